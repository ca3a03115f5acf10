// Planning : le menu du clic droit sur une case, comme le portail d'origine. Il s'ajoute aux
// liens des cases, qui restent la voie de chacun (clavier, toucher, sans JavaScript) : chaque
// lien mène à la page du jour et à ses actions. La touche « menu contextuel » (ou Maj+F10)
// ouvre aussi ce menu sur la case qui a le focus ; Échap le referme.
(function () {
  "use strict";
  var grille = document.querySelector(".planning-grille");
  var jeton = document.querySelector('input[name="csrfmiddlewaretoken"]');
  if (!grille || !jeton) {
    return;
  }

  // [action, libellé, suffixe de l'adresse du jour, envoi direct ?]
  var ACTIONS = [
    ["reserver", "Demander une réservation", "reserver/", true],
    ["annuler", "Annuler la réservation", "annuler/", true],
    ["absence", "Déclarer une absence", "#absence", false],
  ];
  var menu = null;
  var origine = null;

  function fermer(rendreLeFocus) {
    if (!menu) {
      return;
    }
    menu.parentNode.removeChild(menu);
    menu = null;
    if (rendreLeFocus && origine) {
      origine.focus();
    }
  }

  function poster(adresse) {
    var formulaire = document.createElement("form");
    formulaire.method = "post";
    formulaire.action = adresse;
    var champ = document.createElement("input");
    champ.type = "hidden";
    champ.name = "csrfmiddlewaretoken";
    champ.value = jeton.value;
    formulaire.appendChild(champ);
    document.body.appendChild(formulaire);
    formulaire.submit();
  }

  function element(libelle, surChoix) {
    var item = document.createElement("li");
    item.setAttribute("role", "none");
    var bouton = document.createElement("button");
    bouton.type = "button";
    bouton.setAttribute("role", "menuitem");
    bouton.tabIndex = -1;
    bouton.textContent = libelle;
    bouton.addEventListener("click", function () {
      fermer(false);
      surChoix();
    });
    item.appendChild(bouton);
    return item;
  }

  function ouvrir(lien, x, y) {
    fermer(false);
    origine = lien;
    var adresse = lien.getAttribute("href");
    var permises = (lien.getAttribute("data-actions") || "").split(" ");
    var description = lien.querySelector(".visually-hidden");

    menu = document.createElement("ul");
    menu.className = "planning-menu";
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", description ? description.textContent : "Actions");
    var titre = document.createElement("li");
    titre.setAttribute("role", "none");
    titre.className = "planning-menu-titre";
    titre.textContent = description ? description.textContent : "";
    menu.appendChild(titre);

    ACTIONS.forEach(function (action) {
      if (permises.indexOf(action[0]) === -1) {
        return;
      }
      menu.appendChild(
        element(action[1], function () {
          if (action[3]) {
            poster(adresse + action[2]);
          } else {
            window.location.href = adresse + action[2];
          }
        })
      );
    });
    menu.appendChild(
      element("Voir le détail du jour", function () {
        window.location.href = adresse;
      })
    );

    document.body.appendChild(menu);
    var largeur = menu.offsetWidth;
    var gauche = Math.min(x, document.documentElement.clientWidth - largeur - 8);
    menu.style.left = Math.max(8, gauche) + window.scrollX + "px";
    menu.style.top = y + window.scrollY + "px";
    menu.querySelector('[role="menuitem"]').focus();
  }

  grille.addEventListener("contextmenu", function (evenement) {
    var lien = evenement.target.closest("a[data-actions]");
    if (!lien) {
      return;
    }
    evenement.preventDefault();
    var x = evenement.clientX;
    var y = evenement.clientY;
    if (!x && !y) {
      // Ouvert au clavier : sous la case.
      var cadre = lien.getBoundingClientRect();
      x = cadre.left;
      y = cadre.bottom;
    }
    ouvrir(lien, x, y);
  });

  document.addEventListener("keydown", function (evenement) {
    if (!menu) {
      return;
    }
    var items = Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"]'));
    var rang = items.indexOf(document.activeElement);
    if (evenement.key === "Escape") {
      evenement.preventDefault();
      fermer(true);
    } else if (evenement.key === "ArrowDown") {
      evenement.preventDefault();
      items[(rang + 1) % items.length].focus();
    } else if (evenement.key === "ArrowUp") {
      evenement.preventDefault();
      items[(rang - 1 + items.length) % items.length].focus();
    } else if (evenement.key === "Tab") {
      fermer(true);
    }
  });

  document.addEventListener("click", function (evenement) {
    if (menu && !menu.contains(evenement.target)) {
      fermer(false);
    }
  });
  window.addEventListener("resize", function () {
    fermer(false);
  });

  // Sur un écran étroit, la grille s'ouvre sur aujourd'hui plutôt que sur le 1er du mois.
  var cadre = grille.closest(".planning-defilement");
  var aujourdhui = grille.querySelector("thead th.auj");
  var premiere = grille.querySelector("thead th");
  if (cadre && aujourdhui && premiere && cadre.scrollWidth > cadre.clientWidth) {
    cadre.scrollLeft = Math.max(0, aujourdhui.offsetLeft - premiere.offsetWidth - 2 * aujourdhui.offsetWidth);
  }
})();
