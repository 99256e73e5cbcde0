from django.core.paginator import Paginator

PER_PAGE = 50


def page_of(request, queryset, per_page: int = PER_PAGE):
    """The requested page and the query string (without `page`) that the pager links keep."""
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(queryset, per_page).get_page(request.GET.get("page")), params.urlencode()
