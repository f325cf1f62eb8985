"""Serves the test site the way production WSGI servers (gunicorn, uWSGI) do for the Worker's
proxy tests: Django's runserver server (threaded), except that a body of unknown length is
sent with `Transfer-Encoding: chunked` rather than delimited by closing the connection
(workerd's fetch does not read close-delimited bodies).

Usage: python serve.py PORT   (DJANGO_SETTINGS_MODULE set by the caller)
"""

import sys

import django
from django.core.servers import basehttp
from django.core.wsgi import get_wsgi_application


class ChunkedServerHandler(basehttp.ServerHandler):
    chunked = False

    def cleanup_headers(self):
        super().cleanup_headers()
        unknown_length = "Content-Length" not in self.headers
        if (unknown_length and self.environ["REQUEST_METHOD"] != "HEAD"
                and self.request_handler.request_version == "HTTP/1.1"):
            del self.headers["Connection"]
            self.headers["Transfer-Encoding"] = "chunked"
            self.chunked = True

    def write(self, data):
        if not self.headers_sent:
            super().write(b"")  # sends the headers (and decides `chunked`)
        if not data:
            return
        self.bytes_sent += len(data)
        self._write(b"%x\r\n%s\r\n" % (len(data), data) if self.chunked else data)
        self._flush()

    def finish_content(self):
        super().finish_content()
        if self.chunked:
            self._write(b"0\r\n\r\n")
            self._flush()


if __name__ == "__main__":
    django.setup()
    basehttp.ServerHandler = ChunkedServerHandler
    basehttp.run("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), threading=True)
