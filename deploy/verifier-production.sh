#!/usr/bin/env bash
# make prod-check — la pile de production du Portail Familles, montée sur cette machine et
# vérifiée de bout en bout au travers d'un vrai nginx (docs/deploiement.md, « La preuve »).
#
# Avec les fichiers de deploy/ eux-mêmes : le fichier d'environnement (deploy/portail.env.example,
# quelques valeurs remplacées), les commandes des unités systemd (gunicorn, worker, minuteries :
# lues dans deploy/systemd/, chemins remplacés), le site nginx (deploy/nginx/portail.conf, ports,
# chemins et certificat remplacés), la rotation des journaux (deploy/logrotate/portail).
#
#   1. réglages de production (DEBUG=off, SECRET_KEY tirée au hasard), `check --deploy` sans
#      avertissement, chaque variable lue par settings.py présente dans le modèle d'environnement ;
#   2. une base PostgreSQL jetable (127.0.0.1:5432, PROD_CHECK_BASE, portail_prod_check par
#      défaut) : migrate, collectstatic, la démonstration ;
#   3. gunicorn, le worker des travaux de fond, un certificat TLS jetable (openssl) et nginx
#      (paquet Debian, lancé sous son propre préfixe, ports libres de 127.0.0.1) ;
#   4. au travers de nginx : la page de connexion en HTTPS (HTTP/2), HTTP redirigé vers HTTPS,
#      HTML et fichiers statiques compressés, statiques en cache long servis par nginx seul,
#      /media/ jamais servi, 413 au-delà de 6 Mo ; un parent réserve une journée, un agent lance
#      la facturation d'un mois que le worker finit (deploy/parcours_production.py) ;
#   5. le planificateur : pas de systemd ici, chaque commande des minuteries tourne une fois
#      (celles de deploy/systemd/portail-planif-*.service, telles quelles) et doit réussir ;
#   6. la mise à jour sans coupure : `systemctl reload` (SIGHUP à gunicorn) pendant des requêtes,
#      aucune n'échoue, les workers sont neufs ; la rotation des journaux, nginx les rouvre.
#
# Il arrête tout ce qu'il a lancé et efface la base jetable, même en cas d'échec (trap) ; il
# sort avec un code non nul et un message en français à la première vérification qui échoue
# (les journaux restent alors dans le dossier indiqué).
#
# Variables : PYTHON (le Python du projet, .venv/bin/python), NGINX (/usr/sbin/nginx),
# PROD_CHECK_BASE, PROD_CHECK_PG (postgres://postgres@127.0.0.1:5432), PROD_CHECK_REDIS
# (rediscache://127.0.0.1:6379/7), PROD_CHECK_HTTPS (8443), PROD_CHECK_HTTP (8080) : un port
# pris est remplacé par un port libre.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS="--client-min-messages=warning"
RACINE=$(pwd)
DEBUT=$(date +%s)

PYTHON=${PYTHON:-$RACINE/.venv/bin/python}
BIN=$(dirname "$PYTHON")
NGINX=${NGINX:-/usr/sbin/nginx}
BASE=${PROD_CHECK_BASE:-portail_prod_check}
PG=${PROD_CHECK_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${PROD_CHECK_REDIS:-rediscache://127.0.0.1:6379/7}

etape() { printf '\n=== %s (%s s)\n' "$*" "$(($(date +%s) - DEBUT))"; }
ok() { printf '  ok : %s\n' "$*"; }
echec() {
    printf '\nÉCHEC de la vérification de la production : %s\n' "$*" >&2
    exit 1
}

# --- Ce qui a été lancé, arrêté à la sortie quoi qu'il arrive -------------------------------

DOSSIER=$(mktemp -d /tmp/portail-prod-check.XXXXXX)
chmod 755 "$DOSSIER" # nginx lit les statiques et le journal de ses workers (www-data)
PROCESSUS=()
BASE_CREEE=""

arreter_tout() {
    local code=$?
    trap - EXIT INT TERM
    set +e
    if ((${#PROCESSUS[@]})); then
        printf '\n=== Arrêt de ce que la vérification a lancé\n'
        for pid in "${PROCESSUS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
        for _ in $(seq 1 40); do
            local vivants=0
            for pid in "${PROCESSUS[@]}"; do kill -0 "$pid" 2>/dev/null && vivants=1; done
            ((vivants)) || break
            sleep 0.5
        done
        for pid in "${PROCESSUS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
        wait 2>/dev/null
        echo "  gunicorn, worker et nginx arrêtés"
    fi
    if [[ -n $BASE_CREEE ]]; then
        psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS \"$BASE\" WITH (FORCE)" >/dev/null 2>&1 &&
            echo "  base $BASE effacée"
    fi
    if ((code == 0)); then
        rm -rf "$DOSSIER"
        printf '\nVérification de la production : tout est vert (%s s).\n' "$(($(date +%s) - DEBUT))"
    else
        for journal in "$DOSSIER"/*.log "$DOSSIER"/journaux/*.log; do
            [[ -s $journal ]] || continue
            printf '\n--- fin de %s\n' "$journal" >&2
            tail -n 15 "$journal" >&2
        done
        printf '\nLes journaux et fichiers de la vérification sont gardés dans %s\n' "$DOSSIER" >&2
    fi
    exit "$code"
}
trap arreter_tout EXIT
trap 'printf "\nÉCHEC de la vérification de la production : interrompue.\n" >&2; exit 130' INT TERM

lancer() { # lancer NOM COMMANDE… : en arrière-plan, journal dans $DOSSIER/NOM.log
    local nom=$1
    shift
    "$@" >"$DOSSIER/$nom.log" 2>&1 &
    PROCESSUS+=("$!")
}

port_libre() { # le port demandé s'il est libre sur 127.0.0.1, sinon un port libre
    "$PYTHON" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
EOF
}

workers_remplaces() { # les workers de gunicorn sont là, et aucun n'est des anciens ($1)
    local actuels
    actuels=$(pgrep -P "$PID_GUNICORN" | sort | tr '\n' ' ')
    [[ $(wc -w <<<"$actuels") == "$(wc -w <<<"$1")" ]] || return 1
    for pid in $actuels; do [[ " $1 " != *" $pid "* ]] || return 1; done
}

attendre() { # attendre DESCRIPTION COMMANDE… : jusqu'à 60 s que la commande réussisse
    local quoi=$1
    shift
    for _ in $(seq 1 120); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echec "$quoi ne répond pas après 60 s."
}

commande_de_l_unite() { # commande_de_l_unite FICHIER CLÉ : la ligne CLÉ= d'une unité systemd
    local ligne
    ligne=$(grep -m1 "^$2=" "$1") || echec "$1 n'a pas de ligne $2=."
    ligne=${ligne#"$2="}
    ligne=${ligne//\/srv\/portail\/.venv\/bin\//$BIN/}
    printf '%s' "$ligne"
}

# --- 1. Prérequis et réglages de production --------------------------------------------------

etape "Prérequis"
[[ -x $PYTHON ]] || echec "pas de Python du projet à $PYTHON (make install)."
[[ -x $NGINX ]] || echec "nginx manque ($NGINX) : apt-get install nginx."
for outil in openssl curl psql pg_isready logrotate; do
    command -v "$outil" >/dev/null || echec "$outil manque : installez-le (paquets Debian)."
done
pg_isready -q -h 127.0.0.1 -p 5432 || echec "PostgreSQL ne répond pas sur 127.0.0.1:5432."
"$PYTHON" -c "import redis, sys; redis.Redis.from_url(sys.argv[1].replace('rediscache', 'redis', 1)).ping()" \
    "$REDIS" 2>/dev/null || echec "Redis ne répond pas ($REDIS)."
PORT_HTTPS=$(port_libre "${PROD_CHECK_HTTPS:-8443}")
PORT_HTTP=$(port_libre "${PROD_CHECK_HTTP:-8080}")
PORT_GUNICORN=$(port_libre 0)
[[ $PORT_HTTPS != "$PORT_HTTP" ]] || PORT_HTTP=$(port_libre 0)
HTTPS="https://127.0.0.1:$PORT_HTTPS"
ok "$("$NGINX" -v 2>&1), $(openssl version | cut -d' ' -f1-2), $("$PYTHON" --version)"
ok "nginx : HTTPS sur 127.0.0.1:$PORT_HTTPS, HTTP sur 127.0.0.1:$PORT_HTTP ; gunicorn sur 127.0.0.1:$PORT_GUNICORN"
echo "  dossier de travail : $DOSSIER"

etape "Réglages de production (deploy/portail.env.example)"
# Chaque variable que lit settings.py est dans le modèle, commentée ou non.
manquantes=()
for variable in $(grep -zoP "env(\.[a-z_]+)?\(\s*[\"']\K[A-Z][A-Z0-9_]+(?=[\"'])" portail/settings.py | tr '\0' '\n' | sort -u); do
    grep -qE "^(# )?$variable=" deploy/portail.env.example || manquantes+=("$variable")
done
((${#manquantes[@]} == 0)) ||
    echec "deploy/portail.env.example ne dit rien de : ${manquantes[*]} (lues par portail/settings.py)."
ok "chaque variable lue par portail/settings.py figure dans deploy/portail.env.example"
# Le modèle tel quel, puis ce qui est propre à cette machine.
set -a
# shellcheck source=portail.env.example
. deploy/portail.env.example
set +a
export DJANGO_SETTINGS_MODULE=portail.settings
export SECRET_KEY
SECRET_KEY=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS="127.0.0.1,localhost"
export CSRF_TRUSTED_ORIGINS=$HTTPS PORTAIL_URL=$HTTPS
export DATABASE_URL="$PG/$BASE" CACHE_URL=$REDIS
export MEDIA_ROOT=$DOSSIER/media STATIC_ROOT=$DOSSIER/staticfiles
export EMAIL_URL="consolemail://" # pas de serveur SMTP ici : les courriels au journal
export COURRIELS_VERROU=$DOSSIER/courriels.lock
[[ $DEBUG == off ]] || echec "le modèle d'environnement ne met pas DEBUG=off."
mkdir -p "$MEDIA_ROOT"
ok "DEBUG=off, SECRET_KEY tirée au hasard, base $BASE, cache $REDIS"
[[ ! -e .env ]] || echo "  attention : .env existe ; settings.py en lit les variables que ce script ne fixe pas."

"$PYTHON" manage.py check --deploy --fail-level WARNING >"$DOSSIER/check-deploy.log" 2>&1 ||
    { cat "$DOSSIER/check-deploy.log" >&2; echec "manage.py check --deploy signale des problèmes."; }
ok "manage.py check --deploy : $(tail -n 1 "$DOSSIER/check-deploy.log")"

# --- 2. La base jetable, les statiques, la démonstration ------------------------------------

etape "Base PostgreSQL jetable $BASE"
psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS \"$BASE\" WITH (FORCE)" >/dev/null
psql -q "$PG/postgres" -c "CREATE DATABASE \"$BASE\"" >/dev/null
BASE_CREEE=oui
"$PYTHON" manage.py migrate --noinput >"$DOSSIER/migrate.log" 2>&1 ||
    echec "manage.py migrate a échoué ($DOSSIER/migrate.log)."
ok "manage.py migrate ($(grep -c '  Applying' "$DOSSIER/migrate.log") migrations)"

"$PYTHON" manage.py collectstatic --noinput >"$DOSSIER/collectstatic.log" 2>&1 ||
    echec "manage.py collectstatic a échoué ($DOSSIER/collectstatic.log)."
ok "manage.py collectstatic : $(tail -n 1 "$DOSSIER/collectstatic.log")"

# La démonstration refuse DEBUG=off (elle crée des comptes aux mots de passe connus) : elle
# seule tourne avec DEBUG=on, sur cette base jetable ; tout le reste tourne en production.
DEBUG=on "$PYTHON" manage.py demo >"$DOSSIER/demo.log" 2>&1 ||
    echec "manage.py demo a échoué ($DOSSIER/demo.log)."
ok "manage.py demo (familles Dupont et Martin, agent)"

# --- 3. gunicorn, le worker, nginx -----------------------------------------------------------

etape "gunicorn et le worker (les commandes de deploy/systemd/)"
if command -v systemd-analyze >/dev/null; then
    # Les unités relues par systemd, chemins remplacés : aucune remarque (clé inconnue…).
    mkdir -p "$DOSSIER/systemd"
    for unite in deploy/systemd/*.service deploy/systemd/*.timer; do
        sed -e "s|/srv/portail/.venv/bin/|$BIN/|g" -e "s|^WorkingDirectory=/srv/portail$|WorkingDirectory=$RACINE|" \
            "$unite" >"$DOSSIER/systemd/$(basename "$unite")"
    done
    remarques=$(cd "$DOSSIER/systemd" && systemd-analyze verify ./*.service ./*.timer 2>&1) || true
    [[ -z $remarques ]] || echec "systemd-analyze verify relève dans deploy/systemd/ : $remarques"
    ok "systemd-analyze verify : les $(ls "$DOSSIER/systemd" | wc -l) unités de deploy/systemd/ sans remarque"
else
    echo "  (systemd-analyze absent : les unités ne sont pas relues par systemd, seulement lancées)"
fi
commande=$(commande_de_l_unite deploy/systemd/portail-gunicorn.service ExecStart)
[[ $commande == *127.0.0.1:8000* ]] || echec "portail-gunicorn.service n'écoute plus 127.0.0.1:8000."
commande=${commande//127.0.0.1:8000/127.0.0.1:$PORT_GUNICORN}
# En plus de l'unité : un journal d'accès, pour prouver que nginx sert seul les statiques.
read -ra gunicorn <<<"$commande"
lancer gunicorn "${gunicorn[@]}" --access-logfile "$DOSSIER/gunicorn-acces.log"
PID_GUNICORN=${PROCESSUS[-1]}
attendre "gunicorn" curl -sf -o /dev/null -H "X-Forwarded-Proto: https" \
    "http://127.0.0.1:$PORT_GUNICORN/connexion/"
ok "${commande#"$BIN/"}"

read -ra reprise <<<"$(commande_de_l_unite deploy/systemd/portail-worker.service ExecStartPre)"
"${reprise[@]}" >"$DOSSIER/reprendre-travaux.log" 2>&1 || echec "reprendre_travaux a échoué."
read -ra worker <<<"$(commande_de_l_unite deploy/systemd/portail-worker.service ExecStart)"
lancer worker "${worker[@]}"
sleep 1
kill -0 "${PROCESSUS[-1]}" 2>/dev/null || echec "le worker s'est arrêté ($DOSSIER/worker.log)."
ok "worker : ${worker[*]#"$BIN/"} (après ${reprise[*]#"$BIN/"})"

etape "nginx avec deploy/nginx/portail.conf et un certificat jetable"
deploy/nginx-local.sh "$DOSSIER" "$PORT_HTTP" "$PORT_HTTPS" "$PORT_GUNICORN" "$STATIC_ROOT" ||
    echec "le site nginx n'a pas pu être monté ici (deploy/nginx-local.sh)."
ok "certificat auto-signé pour 127.0.0.1 (un jour), site de deploy/nginx/portail.conf adapté"
NGINX_OPTIONS=(-p "$DOSSIER/nginx" -c "$DOSSIER/nginx/nginx.conf" -e "$DOSSIER/journaux/nginx-principal.log")
"$NGINX" -t -q "${NGINX_OPTIONS[@]}" 2>"$DOSSIER/nginx-t.log" ||
    { cat "$DOSSIER/nginx-t.log" >&2; echec "nginx refuse la configuration (nginx -t)."; }
ok "nginx -t accepte le site"
lancer nginx "$NGINX" "${NGINX_OPTIONS[@]}" -g "daemon off;"
attendre "nginx" curl -s -o /dev/null --cacert "$DOSSIER/tls/fullchain.pem" "$HTTPS/connexion/"
ok "nginx écoute"

# --- 4. Au travers de nginx ------------------------------------------------------------------

etape "Au travers de nginx"
CURL=(curl -sS --cacert "$DOSSIER/tls/fullchain.pem" --max-time 30)

reponse=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{http_version}' "$HTTPS/connexion/")
[[ $reponse == "200 2" ]] || echec "la page de connexion en HTTPS répond « $reponse » (200 en HTTP/2 attendu)."
ok "GET $HTTPS/connexion/ : 200, HTTP/2"

identifiant=$("${CURL[@]}" -D - -o /dev/null "$HTTPS/connexion/?identifiant=1" | tr -d '\r' |
    awk 'tolower($1) == "x-request-id:" {print $2}')
[[ $identifiant =~ ^[0-9a-f]{32}$ ]] || echec "le portail ne renvoie pas l'identifiant de nginx (X-Request-ID : « $identifiant »)."
attendre "l'identifiant dans le journal de nginx" grep -q "id=$identifiant" "$DOSSIER/journaux/nginx-acces.log"
ok "X-Request-ID $identifiant : le même dans la réponse du portail et le journal de nginx"

sante=$("${CURL[@]}" -w ' %{http_code}' "$HTTPS/sante/")
[[ $sante == *'"statut": "ok"'*' 200' ]] || echec "/sante/ ne dit pas que tout répond : « $sante »."
sante_locale=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_GUNICORN/sante/")
[[ $sante_locale == 200 ]] || echec "/sante/ en HTTP local (sonde) répond $sante_locale."
ok "/sante/ : 200 au travers de nginx et en HTTP local (base, fichiers, file des travaux)"

reponse=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT_HTTP/connexion/?suite=1")
[[ $reponse == "301 $HTTPS/connexion/?suite=1" ]] ||
    echec "HTTP n'est pas redirigé vers HTTPS : « $reponse »."
ok "GET http://127.0.0.1:$PORT_HTTP/connexion/ : 301 vers $HTTPS/connexion/"

mkdir -p "$DOSSIER/acme/.well-known/acme-challenge"
echo "defi-certbot" >"$DOSSIER/acme/.well-known/acme-challenge/jeton"
reponse=$(curl -sS "http://127.0.0.1:$PORT_HTTP/.well-known/acme-challenge/jeton")
[[ $reponse == defi-certbot ]] || echec "le défi de certbot n'est pas servi en HTTP : « $reponse »."
ok "GET http://…/.well-known/acme-challenge/… : servi en HTTP (renouvellement par certbot)"

entetes=$("${CURL[@]}" -D - -o "$DOSSIER/connexion.html.gz" -H "Accept-Encoding: gzip" "$HTTPS/connexion/")
grep -qi '^content-encoding: gzip' <<<"$entetes" || echec "la page HTML n'est pas compressée (gzip)."
grep -qi '^strict-transport-security: max-age=31536000' <<<"$entetes" || echec "pas d'en-tête HSTS d'un an."
ok "HTML compressé (gzip : $(stat -c %s "$DOSSIER/connexion.html.gz") octets), HSTS d'un an"

page=$("${CURL[@]}" "$HTTPS/connexion/")
statiques=$(grep -oE '/static/[^"]+\.[0-9a-f]{12}\.(css|js)' <<<"$page" | sort -u)
[[ -n $statiques ]] || echec "la page de connexion ne cite aucun fichier statique haché (collectstatic)."
for statique in $statiques; do
    entetes=$("${CURL[@]}" -D - -o /dev/null -H "Accept-Encoding: gzip" "$HTTPS$statique")
    grep -q '^HTTP/2 200' <<<"$entetes" || echec "$statique ne répond pas 200."
    grep -qi '^content-encoding: gzip' <<<"$entetes" || echec "$statique n'est pas servi compressé."
    grep -qi '^cache-control: public, max-age=31536000, immutable' <<<"$entetes" ||
        echec "$statique n'a pas de cache long : $(grep -i '^cache-control' <<<"$entetes")."
    ok "$statique : gzip, Cache-Control: public, max-age=31536000, immutable"
done
! grep -q ' /static/' "$DOSSIER/gunicorn-acces.log" ||
    echec "des fichiers statiques sont passés par gunicorn : nginx devait les servir."
ok "aucun fichier statique n'est passé par gunicorn (nginx les sert)"

reponse=$(head -c 7000000 /dev/zero | "${CURL[@]}" -o /dev/null -w '%{http_code}' \
    -H "Content-Type: application/octet-stream" --data-binary @- "$HTTPS/connexion/")
[[ $reponse == 413 ]] || echec "un envoi de 7 Mo répond $reponse (413 attendu : client_max_body_size 6m)."
ok "un envoi de 7 Mo : 413 (client_max_body_size 6m ; le portail refuse au-delà de 5 Mo)"

"$PYTHON" deploy/parcours_production.py "$HTTPS" "$DOSSIER/tls/fullchain.pem" ||
    echec "un parcours au travers de nginx n'a pas abouti (ci-dessus)."

fichiers=$(cd "$MEDIA_ROOT" && find . -type f -name '*.pdf' | sort)
[[ -n $fichiers ]] || echec "aucun PDF dans MEDIA_ROOT après la démonstration et la facturation."
for fichier in $(grep -m1 -i factur <<<"$fichiers") $(grep -m1 -v -i factur <<<"$fichiers"); do
    reponse=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$HTTPS/media/${fichier#./}")
    [[ $reponse == 404 ]] || echec "/media/${fichier#./} répond $reponse : les fichiers déposés doivent rester privés."
    ok "/media/${fichier#./} (présent dans MEDIA_ROOT) : 404, jamais servi par nginx"
done

# --- 5. Le planificateur ---------------------------------------------------------------------

etape "Les tâches planifiées (une fois chacune, comme leurs minuteries les lancent)"
# Pas de systemd ici : chaque commande des unités portail-planif-*.service, telle quelle.
for unite in deploy/systemd/portail-planif-*.service; do
    nom=$(basename "$unite" .service)
    read -ra tache <<<"$(commande_de_l_unite "$unite" ExecStart)"
    "${tache[@]}" >"$DOSSIER/$nom.log" 2>&1 || echec "$nom : « ${tache[*]#"$BIN/"} » a échoué ($DOSSIER/$nom.log)."
    ok "$nom : ${tache[*]:1}"
done
attente=$("$PYTHON" manage.py shell -v 0 -c \
    "from post_office.models import Email, STATUS; print(Email.objects.filter(status=STATUS.queued, scheduled_time=None).count())")
[[ $attente == 0 ]] || echec "$attente courriels restent dans la file après envoyer_courriels."
ok "la file des courriels est vide : $(grep -m1 '^Courriels' "$DOSSIER/portail-planif-courriels.log")"

# --- 6. Mise à jour sans coupure, rotation des journaux ---------------------------------------

etape "Mise à jour sans coupure : systemctl reload portail-gunicorn (SIGHUP)"
grep -q '^ExecReload=/bin/kill -s HUP \$MAINPID' deploy/systemd/portail-gunicorn.service ||
    echec "portail-gunicorn.service ne recharge plus par SIGHUP (ExecReload)."
# Des requêtes à la file au travers de nginx, avant, pendant et après le rechargement ; aucune
# ne doit échouer, et à la fin tous les workers sont neufs (ils ont chargé le code du disque).
anciens=$(pgrep -P "$PID_GUNICORN" | sort | tr '\n' ' ')
codes=$DOSSIER/pendant-le-rechargement.txt
while [[ ! -e $DOSSIER/recharge ]]; do
    "${CURL[@]}" -o /dev/null -w '%{http_code}\n' "$HTTPS/connexion/" || echo "000 (curl)"
done >"$codes" &
requetes=$!
sleep 1
kill -HUP "$PID_GUNICORN"
attendre "les workers neufs de gunicorn" workers_remplaces "$anciens"
sleep 1
touch "$DOSSIER/recharge"
wait "$requetes"
total=$(wc -l <"$codes")
reussies=$(grep -cx 200 "$codes" || true)
((total > 0 && reussies == total)) ||
    echec "pendant le rechargement de gunicorn, $((total - reussies)) requêtes sur $total ont échoué : $(sort "$codes" | uniq -c | tr -s ' \n' ' ')"
ok "$total requêtes avant, pendant et après le rechargement : toutes 200"
ok "workers remplacés : $anciens→ $(pgrep -P "$PID_GUNICORN" | sort | tr '\n' ' ')"

etape "Rotation des journaux (deploy/logrotate/portail)"
sed -e "s|/var/log/portail/|$DOSSIER/journaux/|" -e "s|/run/nginx.pid|$DOSSIER/nginx/nginx.pid|g" \
    deploy/logrotate/portail >"$DOSSIER/logrotate.conf"
logrotate -f -s "$DOSSIER/logrotate.etat" "$DOSSIER/logrotate.conf" 2>"$DOSSIER/logrotate.log" ||
    { cat "$DOSSIER/logrotate.log" >&2; echec "logrotate a échoué."; }
[[ -s $DOSSIER/journaux/nginx-acces.log.1 ]] || echec "logrotate n'a pas fait tourner le journal d'accès."
"${CURL[@]}" -o /dev/null "$HTTPS/connexion/?apres-rotation"
attendre "le journal d'accès rouvert" grep -q "apres-rotation" "$DOSSIER/journaux/nginx-acces.log"
ok "journal d'accès tourné (nginx-acces.log.1), nginx écrit dans le nouveau"
