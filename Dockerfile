# Onlooker in one container: Debian 12's nginx with the module, and onlookerd.
#
# The build stage runs what CI runs (scripts/setup.sh, then the CMake build
# through scripts/build.sh) and cpack; the runtime stage installs the .deb
# packages that writes, the very ones a host installs (docs/INSTALL.md). So
# the image cannot drift from the build or from the packages.
#
#   docker build -t onlooker .
#   docker run -d --name onlooker -p 8080:80 -v onlooker-history:/var/lib/onlooker onlooker
#
# Then the demo site is at http://localhost:8080/, the dashboard at
# http://localhost:8080/onlooker/, and `docker logs onlooker` shows nginx's
# and onlookerd's logs. Serve your own site by mounting its server block over
# /etc/nginx/sites-enabled/onlooker (from conf/nginx-site.conf; keep
# onlooker_zone /run/onlooker/ring) and its files where its root points.
#
# Not built on the project's machines (no Docker engine there); see
# docs/INSTALL.md for what was checked instead.

FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/setup.sh \
 && ONLOOKER_BUILD_DIR=/src/build-docker ONLOOKER_BUILD_TYPE=Release \
    scripts/build.sh -DBUILD_TESTING=OFF \
 && cd /src/build-docker \
 && cpack -G DEB

FROM debian:12
COPY --from=build /src/build-docker/packages/*.deb /tmp/onlooker/
# The packages' dependencies come from Debian, as on a host. Then: the
# bundled DB-IP database enabled in onlookerd.conf, and the token the
# postinst wrote there removed (the entrypoint makes each container its own);
# nginx's logs on the
# container's output (as in the official nginx image); the example site,
# without its IPv6 listen (a container may have no IPv6), instead of Debian's
# default site.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      nginx tini /tmp/onlooker/onlooker_*.deb /tmp/onlooker/onlooker-dbip-city_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/onlooker \
 && sed -i 's/^#geoip = /geoip = /; /^token = /d' /etc/onlooker/onlookerd.conf \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && rm /etc/nginx/sites-enabled/default
COPY conf/nginx-site.conf /etc/nginx/sites-enabled/onlooker
COPY conf/demo-site/ /var/www/html/
COPY packaging/docker-entrypoint.sh /usr/local/sbin/onlooker-docker-entrypoint
# Check the configuration now; nginx -t also creates the ring, whose secret
# salt must not ship in the image: each container makes its own.
RUN sed -i '/listen \[::\]:80;/d' /etc/nginx/sites-enabled/onlooker \
 && nginx -t -q \
 && rm -f /run/onlooker/ring

EXPOSE 80
# SQLite history (onlooker.db and its WAL), owned by the onlooker user.
VOLUME /var/lib/onlooker
ENTRYPOINT ["tini", "--", "/usr/local/sbin/onlooker-docker-entrypoint"]
