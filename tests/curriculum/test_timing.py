import datetime

from curriculum.timing import Agenda, Minutes, TimedPart, parse_start_time


def test_a_fixed_length_reads_as_minutes():
    assert str(Minutes.of(30)) == "30 min"
    assert not Minutes.of(30).is_range


def test_a_range_reads_as_a_range():
    assert str(Minutes.of(20, 30)) == "20–30 min"
    assert Minutes.of(20, 30).is_range


def test_ranges_add_up_at_both_ends():
    assert Minutes.of(15, 20) + Minutes.of(30) + Minutes.of(20, 30) == Minutes(65, 80)


def test_empty_minutes_count_as_nothing():
    assert Minutes.of(None, None) == Minutes(0, 0)


def _agenda(*parts, start=datetime.time(9, 30), planned=150):
    timed = [TimedPart("activity", title, Minutes.of(*mins)) for title, mins in parts]
    return Agenda.build(timed, start=start, planned_minutes=planned)


def test_clock_times_follow_the_durations():
    agenda = _agenda(("Intro", (15,)), ("Role model", (30,)), ("Close", (10,)))
    assert [str(item.starts) for item in agenda.items] == ["09:30", "09:45", "10:15"]
    assert str(agenda.ends) == "10:25"


def test_a_range_opens_a_window_for_everything_after_it():
    agenda = _agenda(
        ("Intro", (15, 20)), ("Role model", (30,)), ("Secrecy", (20, 30)), ("Tomas", (30,))
    )
    starts = [str(item.starts) for item in agenda.items]
    assert starts == ["09:30", "09:45–09:50", "10:15–10:20", "10:35–10:50"]
    assert str(agenda.ends) == "11:05–11:20"
    assert agenda.total == Minutes(95, 110)


def test_an_agenda_fits_when_its_shortest_version_fits():
    agenda = _agenda(("A", (100, 160)), planned=150)
    assert agenda.fits
    assert agenda.may_overrun


def test_an_agenda_does_not_fit_when_even_the_shortest_version_overruns():
    agenda = _agenda(("A", (151,)), planned=150)
    assert not agenda.fits


def test_the_agenda_crosses_midday_and_midnight_without_breaking():
    morning = _agenda(("Intro", (15,)), ("Long", (60,)), start=datetime.time(11, 30))
    assert [str(item.starts) for item in morning.items] == ["11:30", "11:45"]
    assert str(morning.ends) == "12:45"
    late = _agenda(("Late", (90,)), start=datetime.time(23, 0))
    assert str(late.ends) == "00:30"


def test_start_times_are_read_from_the_query_string():
    assert parse_start_time("14:15") == datetime.time(14, 15)
    assert parse_start_time("") == datetime.time(10, 0)
    assert parse_start_time("not a time") == datetime.time(10, 0)
    assert parse_start_time("25:99") == datetime.time(10, 0)
    assert parse_start_time("9:30") == datetime.time(9, 30)
    assert parse_start_time("10:30pm") == datetime.time(10, 0)


def test_missing_or_damaged_stored_minutes_count_as_nothing_rather_than_crash():
    assert Minutes.of(" ", "abc") == Minutes(0, 0)
    assert Minutes.of("20", "30") == Minutes(20, 30)
