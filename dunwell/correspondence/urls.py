from django.urls import URLPattern, URLResolver, path

from dunwell.correspondence import views

app_name = "correspondence"
urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.message, name="message"),
    path("inbox/<int:pk>/assign/", views.assign, name="assign"),
    path("inbox/<int:pk>/message.eml", views.raw, name="raw"),
    path("inbox/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("letters/", views.letters, name="letters"),
    path("letters/registered-mail.xlsx", views.registered_export, name="registered_export"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("letters/<int:pk>/scan/", views.scan, name="scan"),
    path("debtors/<int:counterparty_id>/", views.debtor, name="debtor"),
    path("debtors/<int:counterparty_id>/letters/new/", views.letter_new, name="letter_new"),
]
