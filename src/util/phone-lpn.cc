/*
 * The libphonenumber shim (built with HAVE_PHONENUMBER): parse a cleaned
 * number for a region and format it as E.164, the way GNOME Chatty does.
 * No C++ exception or type crosses into C.
 */
#include "config.h"

#include "util/phone-impl.h"

#include <cstdio>
#include <string>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

extern "C" int
phone_lib_e164(const char *digits, const char *country, char *out,
    size_t size)
{
	try {
		const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
		PhoneNumber pn;
		std::string e164;

		if (util->Parse(digits, country, &pn) !=
		    PhoneNumberUtil::NO_PARSING_ERROR)
			return -1;
		if (!util->IsValidNumber(pn))
			return -1;
		util->Format(pn, PhoneNumberUtil::E164, &e164);
		if (e164.size() + 1 > size)
			return -1;
		std::snprintf(out, size, "%s", e164.c_str());
		return 0;
	} catch (...) {
		return -1;
	}
}
