from .roles import can_read_facilitator_material, home_role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"home_role": None, "is_staff_reader": False}
    return {
        "home_role": home_role(user),
        "is_staff_reader": can_read_facilitator_material(user),
    }
