"""Delivery URLs. Each view module lists its own ``urlpatterns``; they are joined here."""

from .views import cohorts, completion, exchange, lockouts, register, reports

app_name = "training"

urlpatterns = (
    cohorts.urlpatterns
    + register.urlpatterns
    + completion.urlpatterns
    + exchange.urlpatterns
    + reports.urlpatterns
    + lockouts.urlpatterns
)
