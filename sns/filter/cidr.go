package filter

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
)

// ipRange is a compiled "cidr" expression
// (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html#ip-address-matching).
// Like Event Ruler, it runs from the address as written to that address with
// every host bit set: "10.0.0.5/24" covers 10.0.0.5 to 10.0.0.255.
type ipRange struct {
	lo, hi ipAddr
}

// ipAddr is an IPv4 (n == 4) or IPv6 (n == 16) address.
type ipAddr struct {
	b [16]byte
	n int
}

func (a ipAddr) bytes() []byte { return a.b[:a.n] }

func (r ipRange) contains(s string) bool {
	ip, ok := parseIP(s)
	if !ok || ip.n != r.lo.n {
		return false
	}
	return bytes.Compare(ip.bytes(), r.lo.bytes()) >= 0 && bytes.Compare(ip.bytes(), r.hi.bytes()) <= 0
}

func compileCIDR(s string) (ipRange, *Error) {
	parts := strings.Split(s, "/")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // as Java's String.split drops them
	}
	if len(parts) != 2 {
		return ipRange{}, errCIDRSlash()
	}
	mask, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil {
		return ipRange{}, errCIDRMaskNotInt()
	}
	if mask < 0 {
		return ipRange{}, errCIDRMaskNegative()
	}
	if !looksLikeIP(parts[0]) {
		return ipRange{}, errNonstandardIP(parts[0])
	}
	ip, ok := parseIP(parts[0])
	if !ok {
		return ipRange{}, errInvalidIP(parts[0])
	}
	if ip.n == 4 && mask > 31 {
		return ipRange{}, errCIDRMaskV4()
	}
	if ip.n == 16 && mask > 127 {
		return ipRange{}, errCIDRMaskV6()
	}
	hi := ip
	for bit := int(mask); bit < ip.n*8; bit++ {
		hi.b[bit/8] |= 0x80 >> (bit % 8)
	}
	return ipRange{lo: ip, hi: hi}, nil
}

// looksLikeIP is Event Ruler's test for an address literal: four dotted runs
// of digits, or hex digits and colons with at least one colon. Nothing else
// is taken for an address.
func looksLikeIP(s string) bool {
	if strings.IndexByte(s, ':') >= 0 {
		for i := 0; i < len(s); i++ {
			if c := s[i]; !(c == ':' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	}
	dots, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if digits == 0 {
				return false
			}
			dots, digits = dots+1, 0
		case c >= '0' && c <= '9':
			digits++
		default:
			return false
		}
	}
	return dots == 3 && digits > 0
}

// parseIP parses an address literal. Dotted parts are decimal and may have
// leading zeros; an IPv4-mapped IPv6 address is the IPv4 address, as Java's
// InetAddress makes it.
func parseIP(s string) (ipAddr, bool) {
	var ip ipAddr
	if !looksLikeIP(s) {
		return ip, false
	}
	if strings.IndexByte(s, ':') >= 0 {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return ip, false
		}
		if addr.Is4In6() {
			a := addr.Unmap().As4()
			copy(ip.b[:], a[:])
			ip.n = 4
			return ip, true
		}
		ip.b, ip.n = addr.As16(), 16
		return ip, true
	}
	part := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			part = part*10 + int(s[i]-'0')
			if part > 255 {
				return ip, false
			}
			continue
		}
		ip.b[ip.n] = byte(part)
		ip.n++
		part = 0
	}
	return ip, true
}
