"""The API's documentation page (Swagger UI at /api/docs/) under the Content-Security-Policy of
settings.CONTENT_SECURITY_POLICY.

The bundle comes from drf-spectacular-sidecar, served from this origin; its start-up script is served as
a file of its own (drf-spectacular's split view) and the page's inline style is in
static/css/api-docs.css, so the site-wide policy holds, with one addition on this page only: Swagger UI
draws its icons as data: images.

There is no Redoc page: it would fetch its logo from Redocly's server and its fonts from Google's (each
reader's address to both) and make its styles as inline <style> elements. The schema itself is at
/api/schema/ for any other viewer.
"""

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

SWAGGER_UI_ALLOWS = {"img-src": ["data:"]}

swagger_ui = csp_update(SWAGGER_UI_ALLOWS)(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs/swagger_ui.html")
)
