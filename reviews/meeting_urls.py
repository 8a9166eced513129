from django.urls import path

from . import meetings

urlpatterns = [
    path("systems/<int:pk>/reviews/", meetings.review_list, name="review_list"),
    path("systems/<int:pk>/decisions.json", meetings.decisions_export, name="decisions_export"),
    path("reviews/<int:pk>/", meetings.review_detail, name="review_detail"),
    path("reviews/<int:pk>/participants/", meetings.participant_add, name="participant_add"),
    path(
        "reviews/<int:pk>/participants/<int:participant_pk>/remove/",
        meetings.participant_remove,
        name="participant_remove",
    ),
    path("reviews/<int:pk>/start/", meetings.review_start, name="review_start"),
    path("reviews/<int:pk>/walk/", meetings.review_walk, name="review_walk"),
    path("reviews/<int:pk>/updates/", meetings.review_updates, name="review_updates"),
    path("reviews/<int:pk>/diagram.svg", meetings.review_diagram, name="review_diagram"),
    path(
        "reviews/<int:pk>/findings/<slug:fingerprint>/decide/",
        meetings.decision_record,
        name="decision_record",
    ),
    path(
        "reviews/<int:pk>/findings/<slug:fingerprint>/approve/",
        meetings.decision_approve,
        name="decision_approve",
    ),
    path(
        "reviews/<int:pk>/findings/<slug:fingerprint>/comments/",
        meetings.comment_add,
        name="comment_add",
    ),
    path("reviews/<int:pk>/sign/", meetings.review_sign, name="review_sign"),
    path("reviews/<int:pk>/override/", meetings.review_override, name="review_override"),
    path("reviews/<int:pk>/changes/", meetings.review_changes, name="review_changes"),
    path("reviews/<int:pk>/report/", meetings.review_report, name="review_report"),
]
