from wagtail import hooks

from .admin import completion, people


@hooks.register("register_admin_viewset")
def register_delivery_viewsets():
    return [*people.viewsets, *completion.viewsets]
