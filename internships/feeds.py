"""The Atom feed of a tenant's published opportunities: the listing's filters from the query
string, the 50 most recently published first."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from internships.filters import PublicOpportunityFilter
from internships.models import Opportunity
from internships.selectors.public import opportunity_display

FEED_SIZE = 50


class OpportunityFeed(Feed):
    """Called by the ``stage_feed`` view with the filter it validated already."""

    feed_type = Atom1Feed

    def get_object(self, request, filterset: PublicOpportunityFilter):
        # A new feed object serves each request (see the view), so these are the request's.
        self.request = request
        self.tenant_slug = filterset.tenant.slug
        return filterset

    def title(self, filterset: PublicOpportunityFilter) -> str:
        return _("Stage places and other opportunities at %(tenant)s") % {
            "tenant": filterset.tenant.name
        }

    def subtitle(self, filterset: PublicOpportunityFilter) -> str:
        return _("Published by the companies of %(tenant)s for students and schools.") % {
            "tenant": filterset.tenant.name
        }

    def link(self, filterset: PublicOpportunityFilter) -> str:
        """The listing with the same filters: the feed's alternate (HTML) page."""
        url = reverse("stage_list", kwargs={"tenant_slug": filterset.tenant.slug})
        query = self.request.GET.urlencode()
        return f"{url}?{query}" if query else url

    def feed_url(self, filterset: PublicOpportunityFilter) -> str:
        return self.request.get_full_path()

    def feed_guid(self, filterset: PublicOpportunityFilter) -> str:
        """The feed's Atom id: its own absolute URL, filters included (another filter is
        another feed)."""
        return self.request.build_absolute_uri()

    def author_name(self, filterset: PublicOpportunityFilter) -> str:
        return filterset.tenant.name

    def items(self, filterset: PublicOpportunityFilter):
        # A feed reader wants the newest entries, whatever order the listing was sorted in.
        opportunities = list(filterset.qs.order_by("-published_at", "-pk")[:FEED_SIZE])
        opportunity_display(opportunities)
        return opportunities

    def item_title(self, item: Opportunity) -> str:
        return f"{item.title} ({item.company.name})"

    def item_description(self, item: Opportunity) -> str:
        # Atom's summary is HTML: the company's plain text is escaped, its paragraphs kept.
        return linebreaks(item.description, autoescape=True)

    def item_link(self, item: Opportunity) -> str:
        return reverse(
            "stage_detail", kwargs={"tenant_slug": self.tenant_slug, "opportunity_id": item.pk}
        )

    def item_pubdate(self, item: Opportunity):
        return item.published_at

    def item_updateddate(self, item: Opportunity):
        return item.updated_at

    def item_author_name(self, item: Opportunity) -> str:
        return item.company.name

    def item_categories(self, item: Opportunity) -> list[str]:
        return [item.kind_label, *item.level_labels]
