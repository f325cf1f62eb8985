# The Django site behind the Worker in worker/tests/proxy.test.mjs: RedisCache on the test's
# redis-server (EDGE_TEST_REDIS_URL), cache sessions, the settings a site behind the edge uses.
import os

SECRET_KEY = "edgecache-proxy-test"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
USE_X_FORWARDED_HOST = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
ROOT_URLCONF = "edge_site"
INSTALLED_APPS = []
DATABASES = {}
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["EDGE_TEST_REDIS_URL"],
    }
}
CACHE_MIDDLEWARE_ALIAS = "default"
CACHE_MIDDLEWARE_KEY_PREFIX = "edge"
CACHE_MIDDLEWARE_SECONDS = 30
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "loggers": {"django.server": {"level": "ERROR"}}}
