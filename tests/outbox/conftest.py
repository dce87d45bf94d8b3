from tests.accounts.conftest import clerk, operator  # noqa: F401  (personas with a second factor)
from tests.initiative.conftest import (  # noqa: F401  (fixtures shared with the initiative tests)
    collecting_initiative,
    filed_initiative,
    join_committee,
    ready_initiative,
    start_initiative,
    templates,
)
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)
from tests.smtp_server import smtp_server  # noqa: F401  (fixture)
