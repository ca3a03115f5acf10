#!/usr/bin/env bash
# Le site nginx livré (deploy/nginx/portail.conf) monté sur cette machine, sous un dossier
# jetable : ses adresses, chemins et certificat remplacés, un certificat auto-signé pour
# 127.0.0.1 (un jour), le reste du nginx.conf de Debian sous ce préfixe. Pour make prod-check
# (deploy/verifier-production.sh) et le banc (bench/lighthouse.py) : le même site que la production.
#
#   deploy/nginx-local.sh DOSSIER PORT_HTTP PORT_HTTPS PORT_GUNICORN STATIC_ROOT
#
# Écrit DOSSIER/nginx/nginx.conf et DOSSIER/tls/ ; nginx se lance ensuite avec
#   nginx -p DOSSIER/nginx -c DOSSIER/nginx/nginx.conf -e DOSSIER/journaux/nginx-principal.log
# Sort avec un code non nul et un message en français si le site livré a changé au point qu'une
# adresse de la production resterait, ou si openssl échoue.
set -euo pipefail
cd "$(dirname "$0")/.."
DOSSIER=$1 PORT_HTTP=$2 PORT_HTTPS=$3 PORT_GUNICORN=$4 STATIC_ROOT=$5

mkdir -p "$DOSSIER/tls" "$DOSSIER/journaux" "$DOSSIER/nginx/tmp" "$DOSSIER/acme"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$DOSSIER/tls/privkey.pem" -out "$DOSSIER/tls/fullchain.pem" 2>/dev/null || {
    echo "openssl n'a pas créé le certificat." >&2
    exit 1
}

# Le site tel qu'il est livré, ses adresses, chemins et certificat remplacés.
sed -e "s|listen 80;|listen 127.0.0.1:$PORT_HTTP;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$PORT_HTTPS ssl http2;|" \
    -e '/listen \[::\]:/d' \
    -e "s|server_name portail.exemple.fr;|server_name 127.0.0.1 localhost;|" \
    -e "s|https://\$host\$request_uri|https://\$host:$PORT_HTTPS\$request_uri|" \
    -e "s|/etc/letsencrypt/live/portail.exemple.fr/|$DOSSIER/tls/|" \
    -e "s|/srv/portail/staticfiles/|$STATIC_ROOT/|" \
    -e "s|/var/log/portail/|$DOSSIER/journaux/|" \
    -e "s|/var/www/html|$DOSSIER/acme|" \
    -e "s|server 127.0.0.1:8000 |server 127.0.0.1:$PORT_GUNICORN |" \
    deploy/nginx/portail.conf >"$DOSSIER/nginx/portail.conf"
for reste in portail.exemple.fr /srv/portail /var/log/ /var/www 127.0.0.1:8000 "listen 80" "listen 443"; do
    if grep -v '^\s*#' "$DOSSIER/nginx/portail.conf" | grep -qF "$reste"; then
        echo "deploy/nginx/portail.conf a changé : « $reste » n'a pas été remplacé (deploy/nginx-local.sh)." >&2
        exit 1
    fi
done
utilisateur=""
if [[ $(id -u) == 0 ]] && id www-data >/dev/null 2>&1; then utilisateur="user www-data;"; fi
# Le reste de nginx.conf de Debian, sous le préfixe du dossier.
cat >"$DOSSIER/nginx/nginx.conf" <<FIN
$utilisateur
worker_processes 1;
pid $DOSSIER/nginx/nginx.pid;
error_log $DOSSIER/journaux/nginx-principal.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    client_body_temp_path $DOSSIER/nginx/tmp/corps;
    proxy_temp_path $DOSSIER/nginx/tmp/proxy;
    fastcgi_temp_path $DOSSIER/nginx/tmp/fastcgi;
    uwsgi_temp_path $DOSSIER/nginx/tmp/uwsgi;
    scgi_temp_path $DOSSIER/nginx/tmp/scgi;
    include $DOSSIER/nginx/portail.conf;
}
FIN
