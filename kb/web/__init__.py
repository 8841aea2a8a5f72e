"""Web blueprints."""
