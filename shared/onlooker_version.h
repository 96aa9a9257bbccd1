/*
 * The one version of Onlooker: the nginx module, onlookerd and the packages
 * all take it from here (CMake reads it for the project version), so they
 * cannot disagree. The ring's layout version is in onlooker_ring.h.
 */
#ifndef ONLOOKER_VERSION_H
#define ONLOOKER_VERSION_H

#define ONLOOKER_VERSION "0.1.0"

#endif /* ONLOOKER_VERSION_H */
