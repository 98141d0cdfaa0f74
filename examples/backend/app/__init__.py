"""Example FastAPI service that the deployment actions are tested against."""
