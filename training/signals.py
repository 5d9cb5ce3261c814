"""Signals that tell the completion code a trainee's progress may have changed.

Senders (the register, check-in, catch-ups, worksheet responses, rule edits) do not need to
know how progress is computed; ``training.completion`` listens and recomputes.
"""

from django.dispatch import Signal

# kwargs: enrolment_ids (an iterable of Enrolment primary keys)
progress_inputs_changed = Signal()
