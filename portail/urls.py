from django.contrib import admin
from django.urls import path

admin.site.site_header = "Portail Familles — administration du service enfance"
admin.site.site_title = "Portail Familles"
admin.site.index_title = "Service enfance"

urlpatterns = [
    path("admin/", admin.site.urls),
]
