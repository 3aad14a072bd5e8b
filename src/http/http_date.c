/* RFC 1123 dates without gmtime(): the calendar arithmetic is done here so
 * that it is thread-safe and identical on every platform. */
#include "http_date.h"

static const char day_names[7][4] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"}; /* 1970-01-01 was a Thursday */
static const char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Floor division, so that instants before 1970 land on the right day. */
static int64_t floor_div(int64_t value, int64_t divisor)
{
    int64_t quotient = value / divisor;
    if (value % divisor < 0)
        quotient--;
    return quotient;
}

/* Proleptic Gregorian date of a day count from 1970-01-01, computed in
 * 400-year eras that start on March 1st so the leap day ends each year. */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t shifted = days + 719468; /* days from 0000-03-01 to 1970-01-01 */
    int64_t era = floor_div(shifted, 146097);
    unsigned day_of_era = (unsigned)(shifted - era * 146097);
    unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    unsigned march_month = (5 * day_of_year + 2) / 153; /* 0 = March */
    *day = day_of_year - (153 * march_month + 2) / 5 + 1;
    *month = march_month < 10 ? march_month + 3 : march_month - 9;
    *year = (int64_t)year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

static void put_digits(char *out, unsigned value, int count)
{
    for (int i = count - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void http_format_date(int64_t unix_seconds, char out[HTTP_DATE_LENGTH + 1])
{
    /* Keep the day count far from overflow and the year within four digits. */
    const int64_t first = -62167219200; /* 0000-01-01T00:00:00Z */
    const int64_t last = 253402300799;  /* 9999-12-31T23:59:59Z */
    if (unix_seconds < first)
        unix_seconds = first;
    if (unix_seconds > last)
        unix_seconds = last;

    int64_t days = floor_div(unix_seconds, 86400);
    unsigned seconds_of_day = (unsigned)(unix_seconds - days * 86400);
    int64_t year;
    unsigned month, day;
    civil_from_days(days, &year, &month, &day);
    unsigned weekday = (unsigned)(days - floor_div(days, 7) * 7);

    /* "Tue, 22 Sep 2020 07:17:30 GMT" */
    const char *name = day_names[weekday];
    out[0] = name[0];
    out[1] = name[1];
    out[2] = name[2];
    out[3] = ',';
    out[4] = ' ';
    put_digits(out + 5, day, 2);
    out[7] = ' ';
    name = month_names[month - 1];
    out[8] = name[0];
    out[9] = name[1];
    out[10] = name[2];
    out[11] = ' ';
    put_digits(out + 12, (unsigned)year, 4);
    out[16] = ' ';
    put_digits(out + 17, seconds_of_day / 3600, 2);
    out[19] = ':';
    put_digits(out + 20, seconds_of_day / 60 % 60, 2);
    out[22] = ':';
    put_digits(out + 23, seconds_of_day % 60, 2);
    out[25] = ' ';
    out[26] = 'G';
    out[27] = 'M';
    out[28] = 'T';
    out[HTTP_DATE_LENGTH] = '\0';
}
