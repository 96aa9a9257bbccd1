# Onlooker: nginx with the module plus onlookerd, built with the same scripts
# CI runs (scripts/setup.sh, scripts/build.sh), so the image cannot drift.
#   docker build -t onlooker .
#   docker run -p 8080:8080 -v onlooker-data:/data onlooker
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/setup.sh && ONLOOKER_BUILD_TYPE=Release scripts/build.sh

FROM debian:12
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      nginx libsqlite3-0 libboost-program-options1.74.0 libmaxminddb0 tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/nginx-module/ngx_http_onlooker_module.so /usr/lib/nginx/modules/
COPY --from=build /src/build/aggregator/onlookerd /usr/sbin/onlookerd
COPY conf/ /opt/onlooker/conf/
COPY scripts/render-conf.sh /opt/onlooker/scripts/
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["tini", "--"]
CMD ["sh", "-c", "mkdir -p /run/onlooker && /opt/onlooker/scripts/render-conf.sh /run/onlooker/nginx.conf /usr/lib/nginx/modules/ngx_http_onlooker_module.so /run/onlooker /dev/shm/onlooker 0.0.0.0:8080 /opt/onlooker/conf/demo-site 127.0.0.1:9190 && nginx -p /run/onlooker -c /run/onlooker/nginx.conf -e /dev/stderr && exec onlookerd --ring /dev/shm/onlooker --db /data/onlooker.db"]
