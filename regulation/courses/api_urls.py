from django.urls import path

from . import api

urlpatterns = [
    path("courses/", api.PublicCourseList.as_view(), name="api-courses"),
]
