"""Certificate templates in the Wagtail admin: an officer edits their organisation's own,
never another organisation's or the platform default, and a broken statement is refused
with a message on the field."""

from django.urls import reverse

from certificates.models import CertificateTemplate

ADD = "wagtailsnippets_certificates_certificatetemplate:add"
EDIT = "wagtailsnippets_certificates_certificatetemplate:edit"
INDEX = "wagtailsnippets_certificates_certificatetemplate:list"


def form(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "language": "nl",
        "title": "Certificaat",
        "statement": "{name} heeft {programme} gevolgd.",
        "signatory_name": "Anke de Wit",
        "signatory_role": "Coördinator",
        "second_signatory_name": "",
        "second_signatory_role": "",
        "footer": "",
        "valid_for_months": "",
    }
    data.update(overrides)
    return data


def test_an_officer_adds_a_template_for_their_organisation(
    client, certifying_officer, organisation
):
    client.force_login(certifying_officer)
    response = client.post(reverse(ADD), form(organisation))
    assert response.status_code == 302, response.content.decode()[:2000]
    template = CertificateTemplate.objects.get(language="nl")
    assert template.organisation == organisation


def test_a_statement_without_the_name_is_refused_with_a_message(
    client, certifying_officer, organisation
):
    client.force_login(certifying_officer)
    response = client.post(reverse(ADD), form(organisation, statement="{programme} gevolgd."))
    assert response.status_code == 200
    assert "The statement must contain {name}" in response.content.decode()
    assert not CertificateTemplate.objects.filter(language="nl").exists()


def test_an_officer_cannot_put_a_template_on_another_organisation(
    client, certifying_officer, other_organisation
):
    client.force_login(certifying_officer)
    response = client.post(reverse(ADD), form(other_organisation))
    assert response.status_code == 200
    assert not CertificateTemplate.objects.filter(language="nl").exists()


def test_the_default_and_other_organisations_templates_cannot_be_edited(
    client, certifying_officer, other_organisation
):
    default = CertificateTemplate.objects.get(organisation=None, language="en")
    theirs = CertificateTemplate.objects.create(
        organisation=other_organisation,
        language="fr",
        statement="{name} a suivi {programme}.",
        signatory_name="X",
        signatory_role="Y",
    )
    client.force_login(certifying_officer)
    for template in (default, theirs):
        assert client.get(reverse(EDIT, args=[template.pk])).status_code in (302, 403)
        client.post(reverse(EDIT, args=[template.pk]), form(other_organisation, title="Hacked"))
        template.refresh_from_db()
        assert template.title != "Hacked"
    listing = client.get(reverse(INDEX)).content.decode()
    assert "Lille" not in listing  # another organisation's template is not even listed


def test_trainers_have_no_access_to_templates(client, trainer):
    client.force_login(trainer)
    response = client.get(reverse(INDEX))
    assert response.status_code in (302, 403)
