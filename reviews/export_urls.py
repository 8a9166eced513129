from django.urls import path

from . import exports, inventory

urlpatterns = [
    path(
        "systems/<int:pk>/download/<slug:export_id>",
        exports.system_download,
        name="system_download",
    ),
    path(
        "systems/<int:pk>/crypto-inventory/",
        inventory.system_crypto_inventory,
        name="system_crypto_inventory",
    ),
]
