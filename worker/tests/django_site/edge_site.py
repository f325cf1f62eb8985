# Views of the test site. Every page says how often it was rendered, so a test tells an edge hit
# (same count) from a render (count + 1).
import json
from collections import Counter

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page
from django.views.decorators.csrf import csrf_exempt

from django.core.cache import cache
from edgecache_django import page_keys, purge_page

renders = Counter()


def rendered(request, content="", **kwargs):
    renders[request.path] += 1
    return HttpResponse(f"{request.path} render {renders[request.path]}{content}", **kwargs)


def page(request):
    return rendered(request)


def max_age(request):
    response = rendered(request)
    response["Cache-Control"] = "max-age=100"
    return response


def vary(request):
    response = rendered(request, f" for {request.headers.get('X-Variant')}")
    response["Vary"] = "X-Variant"
    return response


def vary_star(request):
    response = rendered(request)
    response["Vary"] = "*"
    return response


def private(request):
    response = rendered(request)
    response["Cache-Control"] = "private"
    return response


def no_store(request):
    response = rendered(request)
    response["Cache-Control"] = "no-store"
    return response


def cookie(request):
    response = rendered(request)
    response.set_cookie("flavour", "oat")
    response["Vary"] = "Cookie"
    return response


def cookie_cached(request):
    # No Vary: Cookie, so Django's middleware stores it with its cookie (MW-10 3).
    response = rendered(request)
    response.set_cookie("seen", "yes", max_age=60, httponly=True)
    return response


def stream(request):
    renders[request.path] += 1
    count = renders[request.path]
    return StreamingHttpResponse(f"chunk {i} of render {count}\n" for i in range(3))


def error(request):
    return rendered(request, " boom", status=500)


@csrf_exempt
def post(request):
    return rendered(request, f" {request.method} {request.body.decode()}")


@cache_page(60, key_prefix="edge")
def django_cached(request):
    return rendered(request)


def keys(request):
    """The keys Django computes for ?url= (and ?variant= as X-Variant), and what they hold."""
    headers = {"X-Variant": request.GET["variant"]} if "variant" in request.GET else None
    header_key, page_key = page_keys(request.GET["url"], headers=headers)
    value = cache.get(page_key.split(":", 2)[2]) if page_key else None
    return JsonResponse({
        "header_key": header_key,
        "page_key": page_key,
        "type": type(value).__name__,
        "value": value if isinstance(value, dict) else None,
    })


def purge(request):
    variants = [{"X-Variant": v} for v in request.GET.getlist("variant")] or None
    return JsonResponse({"deleted": purge_page(request.GET["url"], variants=variants)})


def session_view(request):
    if request.GET:
        for name, value in request.GET.items():
            request.session[name] = value
        request.session.save()  # the key exists now (the middleware saves again on the way out)
    return JsonResponse({"session_key": request.session.session_key, "data": dict(request.session.items())})


urlpatterns = [
    path("page/", page),
    path("max-age/", max_age),
    path("vary/", vary),
    path("vary-star/", vary_star),
    path("private/", private),
    path("no-store/", no_store),
    path("cookie/", cookie),
    path("cookie-cached/", cookie_cached),
    path("stream/", stream),
    path("error/", error),
    path("post/", post),
    path("django-cached/", django_cached),
    path("_keys/", keys),
    path("_purge/", purge),
    path("_session/", session_view),
]
