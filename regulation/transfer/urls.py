from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("", views.home, name="home"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/manifest.json", views.manifest, name="manifest"),
    path("load/", views.load_start, name="load"),
    path("load/<uuid:pk>/", views.load_detail, name="load_detail"),
    path("load/<uuid:pk>/confirm/", views.load_confirm, name="load_confirm"),
]
