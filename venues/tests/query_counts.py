"""A list page's query count must not grow with its rows (STYLE: pin the count of every list page)."""


def get_with_steady_queries(client, url, *, grow, ceiling, django_assert_max_num_queries):
    """GET `url`, then add rows with `grow()` and GET it again: the second page may not take more queries."""
    client.get(url)  # warm per-process caches (content types, sessions) so both measured requests are alike
    with django_assert_max_num_queries(ceiling) as before:
        client.get(url)
    grow()
    with django_assert_max_num_queries(len(before.captured_queries)):
        return client.get(url)
