from django.urls import path

from signatures import views_paper

urlpatterns = [
    path("initiatives/<int:initiative_id>/paper/", views_paper.paper_entry, name="paper-entry"),
    path("initiatives/<int:initiative_id>/paper/sheets.pdf", views_paper.paper_sheets, name="paper-sheets"),
    path("initiatives/<int:initiative_id>/paper/scans/", views_paper.paper_scans_page, name="paper-scans"),
    path(
        "initiatives/<int:initiative_id>/paper/scans/<int:sheet_number>/",
        views_paper.paper_scan_download,
        name="paper-scan-download",
    ),
]
