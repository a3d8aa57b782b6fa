"""URLs of the stage market under ``/<tenant_slug>/``, composed from one module per side."""

from internships.urls import company, public, school

urlpatterns = [*public.urlpatterns, *company.urlpatterns, *school.urlpatterns]
