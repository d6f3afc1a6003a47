from django.urls import path

from . import views

app_name = "venues"

urlpatterns: list = []
