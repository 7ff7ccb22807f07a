"""One way to paginate lists, so every list has the same controls and query count."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``cap`` (``capped`` then says there are more): an
    exact ``COUNT(*)`` over a large scope costs more than the page itself, and nobody pages
    past the first thousand rows of a worklist (they refine it). The pagination partial
    then says "more than N results"."""

    capped = False

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


def paginate(request, queryset, per_page: int | None = None, *, cap: int | None = None) -> Page:
    per_page = per_page or settings.PAGINATE_BY
    paginator = Paginator(queryset, per_page) if cap is None else CappedPaginator(queryset, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
