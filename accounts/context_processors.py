from django.conf import settings

from .home import nav_for


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_items": nav_for(user) if user is not None and user.is_authenticated else [],
        "demo_mode": settings.DEMO_MODE,
    }
