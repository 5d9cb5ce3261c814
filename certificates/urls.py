"""Every certificate address lives under the ``certificates`` namespace; each views module
lists its own patterns."""

from .views import badges, holder, officer, register, verify

app_name = "certificates"

urlpatterns = [
    *officer.urlpatterns,
    *holder.urlpatterns,
    *register.urlpatterns,
    *verify.urlpatterns,
    *badges.urlpatterns,
]
