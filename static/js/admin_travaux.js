// Travaux de fond (administration) : tant qu'un travail est actif (la page porte
// <meta name="travaux-actualiser">), la page relit sa propre adresse toutes les 3 secondes et
// remplace sur place ce qui avance (les zones marquées data-actualise : état, avancement,
// rapport, erreurs), sans recharger la page ni déplacer le focus ; un lecteur d'écran entend
// le changement d'état (une zone aria-live). Sans JavaScript, le lien « Actualiser » recharge
// la page.
(function () {
  "use strict";
  var DELAI = 3000;

  function actif(doc) {
    return doc.querySelector('meta[name="travaux-actualiser"]') !== null;
  }

  function remplacer(doc) {
    document.querySelectorAll("[data-actualise]").forEach(function (ancien) {
      if (!ancien.isConnected) {
        return; // dans une zone déjà remplacée
      }
      var nouveau = doc.getElementById(ancien.id);
      if (nouveau && nouveau.innerHTML !== ancien.innerHTML) {
        ancien.innerHTML = nouveau.innerHTML;
      }
    });
  }

  function actualiser() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (reponse) {
        if (!reponse.ok) {
          throw new Error("HTTP " + reponse.status);
        }
        return reponse.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        remplacer(doc);
        if (actif(doc)) {
          window.setTimeout(actualiser, DELAI);
        } else {
          document.querySelectorAll("[data-tant-que-actif]").forEach(function (element) {
            element.hidden = true;
          });
        }
      })
      .catch(function () {
        window.setTimeout(actualiser, DELAI * 5); // le serveur redémarre : on réessaie
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (actif(document)) {
      window.setTimeout(actualiser, DELAI);
    }
  });
})();
