"""Pagination of the loopback AWS test server, for every protocol.

A page token is the decimal index of the next page's first item; size is
the scenario's page_size (or org_page_size for ListAccounts). page() cuts
one page; paged() is the JSON answer of one page (the items under key, the
token under token_key only when there is a next page); xmlwire.paged_xml()
is its query/XML counterpart.
"""

# Request parameters that carry a page token, in every protocol.
TOKEN_PARAMS = ("NextToken", "nextToken", "Marker", "marker", "ContinuationToken",
                "continuation-token", "position")


def page(items, token, size):
    """(the items of the page token names, the next page's token or None)"""
    start = int(token) if token else 0
    nxt = start + size
    return items[start:nxt], (str(nxt) if nxt < len(items) else None)


def paged(key, items, token_key, token, **extra):
    """{key: items, **extra} with token_key: token when token is set."""
    out = dict({key: items}, **extra)
    if token:
        out[token_key] = token
    return out
