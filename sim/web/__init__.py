"""The clinic web page: a FastAPI app over the clinic service, and its static files."""
