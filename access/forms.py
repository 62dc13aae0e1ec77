from django import forms


class SwitchOfficeForm(forms.Form):
    office = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
