"""Les adresses du portail plus une page qui échoue, pour les tests des erreurs du serveur."""

from django.urls import path

from portail.urls import handler500  # noqa: F401
from portail.urls import urlpatterns as adresses_du_portail


def page_qui_echoue(request):
    request.POST.get("traitement")  # le formulaire est lu, comme par une vraie vue
    raise RuntimeError("Panne simulée")


urlpatterns = [path("panne/", page_qui_echoue), *adresses_du_portail]
