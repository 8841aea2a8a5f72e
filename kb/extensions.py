"""Flask extensions, created unbound and initialised in create_app (the database's own,
`db`, lives in kb.database: every layer uses it, the others only the web side)."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

migrate = Migrate(compare_type=True, render_as_batch=True)
login = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Per client address; counters in RATELIMIT_STORAGE_URI (Redis when configured).
limiter = Limiter(get_remote_address)
mail = Mail()
