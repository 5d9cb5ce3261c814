"""Where to go after a form that was reached on the way somewhere else (``?next=``)."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def next_page(request):
    """The ``next`` address of the request when it stays on this site, else the home page:
    never a page elsewhere, however the link was made."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")
