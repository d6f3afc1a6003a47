from django.utils.cache import patch_cache_control


def no_store_for_signed_in(get_response):
    """`Cache-Control: no-store, private` on every response to a signed-in user (issue 12 §7).

    A signed-in page may show a child's personal data, and a shared or school computer's browser would otherwise keep
    it on disk and show it again from «Back» after sign-out. Anonymous pages (the catalog) stay cacheable, and static
    files never get here: WhiteNoise answers them earlier in the chain.
    """

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
