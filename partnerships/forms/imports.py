"""Input of the import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.importers import MAX_FILE_SIZE


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (comma or semicolon separated) or an Excel workbook (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    ignore_unknown_columns = forms.BooleanField(
        label=_("Ignore columns that are not recognised"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_SIZE // (1024 * 1024)}
            )
        return upload
