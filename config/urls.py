from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("accounts.urls")),
    path("", include("audit.urls")),
    path("", include("reviews.urls")),
]

# A paste or upload over the size cap gets the import page's own message.
handler400 = "reviews.intake.bad_request"
# A friendly page for anything missing (reviews/not_found.py), also with DEBUG on.
handler404 = "reviews.not_found.page_not_found"
