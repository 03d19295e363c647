"""The smallest WSGI application there is: what gunicorn alone serves on this machine, the
yardstick of P10 (Django's /ping against it)."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4")])
    return [b"pong"]
