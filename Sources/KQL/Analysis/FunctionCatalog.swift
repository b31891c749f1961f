/// The scalar and aggregation functions the analyzer knows: how many arguments each takes and the type of its
/// result given the argument types. Names are case-sensitive, as in Kusto.
enum FunctionCatalog {
    /// How a function's result type follows from its arguments.
    enum Result {
        case fixed(ScalarType)
        /// The type of argument `n`.
        case argument(Int)
        /// Numeric promotion of the arguments (long + real = real), as `round`, `min_of`, `max_of` do.
        case promoted
        /// The common type of arguments `from…` (stepping by `stride`), as `iff` and `case` return.
        case common(from: Int, stride: Int)
    }

    struct Signature {
        let arity: ClosedRange<Int>
        let result: Result
    }

    static func scalar(_ name: String) -> Signature? { scalars[name] }

    static func aggregate(_ name: String) -> Signature? { aggregates[name] }

    /// The result type of a call whose arguments have `types` (nil where unknown).
    static func resultType(_ signature: Signature, name: String, arguments: [Expression], types: [ScalarType?]) -> ScalarType? {
        switch signature.result {
        case .fixed(let type):
            // `extract(…, typeof(T))` and `percentile_tdigest(…, typeof(T))` return T.
            let typePosition = name == "extract" ? 3 : (name == "percentile_tdigest" ? 2 : -1)
            if typePosition >= 0, arguments.count == typePosition + 1, case .call(_, let typeArguments) = arguments[typePosition].kind,
                case .name(let typeName) = typeArguments.first?.kind
            {
                return ScalarType(schemaName: typeName)
            }
            return type
        case .argument(let index): return index < types.count ? types[index] : nil
        case .promoted:
            let known = types.compactMap { $0 }
            return known.contains(.real) ? .real : known.first
        case .common(let from, let stride):
            var indices = Array(Swift.stride(from: from, to: types.count, by: stride))
            if stride == 2 { indices.append(types.count - 1) }  // the `else` value of `case`
            let known = indices.compactMap { types[$0] }
            return known.first { $0 != .dynamic } ?? known.first
        }
    }

    private static func s(_ arity: ClosedRange<Int>, _ result: Result) -> Signature { Signature(arity: arity, result: result) }

    private static let many = 10_000

    private static let scalars: [String: Signature] = {
        var table: [String: Signature] = [:]
        func add(_ names: [String], _ signature: Signature) {
            for name in names { table[name] = signature }
        }
        add(["tostring", "tolower", "toupper", "url_encode", "url_decode", "url_encode_component", "reverse"], s(1...1, .fixed(.string)))
        add(
            [
                "trim_start", "trim_end",
                "base64_encode_tostring", "base64_decode_tostring", "base64_decodestring", "base64_encodestring", "hash_sha256", "hash_md5",
                "hash_sha1", "tohex", "format_ipv4", "format_bytes", "strcat_array", "strrep", "trim", "make_string",
                "format_timespan", "format_datetime", "substring", "replace_string", "replace_regex", "replace", "translate",
                "extractjson", "extract_json", "strcat_delim", "base64_encode_fromguid", "parse_ipv6", "parse_ipv6_mask", "punycode_to_string",
                "zlib_compress_to_base64_string", "gzip_compress_to_base64_string",
                "gettype", "unicode_codepoints_to_string", "zlib_decompress_from_base64_string",
                "gzip_decompress_from_base64_string", "strcat", "replace_strings", "format_ipv4_mask", "punycode_from_string",
                "current_principal", "current_database", "current_cluster_endpoint",
            ],
            s(0...many, .fixed(.string))
        )
        add(
            [
                "parse_json", "todynamic", "parsejson", "parse_xml", "parse_url", "parse_urlquery", "parse_command_line", "parse_path",
                "parse_user_agent", "split", "pack_array", "pack", "bag_pack", "bag_pack_columns", "pack_all", "pack_dictionary",
                "bag_keys", "bag_merge", "bag_remove_keys", "bag_set_key", "array_sort_asc", "array_sort_desc", "array_concat",
                "array_slice", "array_reverse", "array_shift_left", "array_shift_right", "array_rotate_left", "array_rotate_right",
                "array_split", "array_iff", "array_iif", "set_intersect", "set_difference", "set_union", "extract_all",
                "geo_info_from_ip_address", "zip", "base64_decode_toarray", "series_decompose_anomalies",
                "series_decompose", "series_stats_dynamic", "series_fir", "series_iir", "series_fill_linear", "series_fill_const",
                "series_fill_forward", "series_fill_backward", "series_outliers", "series_add", "series_subtract", "series_multiply",
                "series_divide", "series_greater", "series_less", "series_abs", "series_periods_detect", "series_fit_line_dynamic",
                "series_decompose_forecast", "series_pow", "series_greater_equals", "series_less_equals", "series_equals", "series_not_equals",
                "series_sign", "series_floor", "series_ceiling", "series_exp", "series_log", "series_sin", "series_cos", "series_tan", "series_asin",
                "series_acos", "series_atan", "series_cot", "series_stats", "series_fit_line", "unicode_codepoints_from_string", "extract_all_regex",
                "dynamic_to_json",
                "current_principal_details", "range", "repeat", "regex_split", "parse_csv", "bag_zip", "treepath",
            ],
            s(0...many, .fixed(.dynamic))
        )
        add(
            [
                "array_length", "strlen", "countof", "indexof", "indexof_regex", "string_size", "hash", "binary_and", "binary_or",
                "binary_xor", "binary_not", "binary_shift_left", "binary_shift_right", "tolong", "array_index_of", "estimate_data_size",
                "parse_ipv4", "parse_ipv4_mask", "datetime_diff", "bitset_count_ones", "hash_combine", "hash_xxhash64", "hash_many",
                "ipv4_compare", "ipv6_compare", "row_number", "toint64",
                "datetime_part", "dcount_hll",
            ],
            s(0...many, .fixed(.long))
        )
        add(
            [
                "toint", "hourofday", "dayofmonth", "dayofyear", "getmonth", "getyear", "monthofyear", "week_of_year", "weekofyear",
                "ipv4_netmask_suffix",
            ],
            s(1...2, .fixed(.int))
        )
        add(
            [
                "todouble", "toreal", "log", "log10", "log2", "exp", "exp2", "exp10", "pow", "sqrt", "rand", "pi", "cos", "sin", "tan",
                "acos", "asin", "atan", "atan2", "degrees", "radians", "gamma", "loggamma", "percentrank_tdigest",
                "percentile_tdigest", "cot", "geo_distance_2points", "array_sum", "tofloat",
            ],
            s(0...many, .fixed(.real))
        )
        add(
            [
                "isnotempty", "isempty", "isnull", "isnotnull", "not", "tobool", "toboolean", "set_has_element", "ipv4_is_private",
                "ipv4_is_in_range", "ipv4_is_in_any_range", "ipv4_is_match", "ipv6_is_match", "ipv6_is_in_range", "ipv6_is_in_any_range",
                "has_ipv4", "has_ipv4_prefix", "has_any_ipv4", "has_any_ipv4_prefix", "isfinite", "isnan", "isinf", "isascii", "isutf8",
                "is_valid_json", "bag_has_key", "geo_point_in_circle",
                "geo_point_in_polygon",
            ],
            s(1...many, .fixed(.bool))
        )
        add(
            [
                "now", "ago", "todatetime", "datetime_add", "startofday", "startofweek", "startofmonth", "startofyear", "endofday",
                "endofweek", "endofmonth", "endofyear", "ingestion_time", "make_datetime", "unixtime_seconds_todatetime",
                "unixtime_milliseconds_todatetime", "unixtime_microseconds_todatetime", "unixtime_nanoseconds_todatetime",
                "datetime_utc_to_local", "datetime_local_to_utc", "todate",
            ],
            s(0...many, .fixed(.datetime))
        )
        add(["totimespan", "dayofweek", "make_timespan", "totime"], s(1...many, .fixed(.timespan)))
        add(["toguid", "new_guid", "base64_decode_toguid"], s(0...1, .fixed(.guid)))
        add(["todecimal", "parse_version"], s(1...1, .fixed(.decimal)))
        add(
            ["bin", "floor", "bin_at", "bin_auto", "row_cumsum", "prev", "next", "abs", "ceiling", "round"],
            s(1...4, .argument(0))
        )
        add(["coalesce"], s(1...many, .common(from: 0, stride: 1)))
        add(["iff", "iif"], s(3...3, .common(from: 1, stride: 1)))
        add(["case"], s(3...many, .common(from: 1, stride: 2)))
        add(["min_of", "max_of"], s(1...many, .promoted))
        add(["column_ifexists"], s(2...2, .argument(1)))
        add(["extract"], s(3...4, .fixed(.string)))
        add(["typeof"], s(1...1, .fixed(.string)))
        add(["toscalar"], s(1...1, .fixed(.dynamic)))
        return table
    }()

    /// Aggregation functions: valid in `summarize`, `make-series`, `top-nested` and `mv-apply` subqueries.
    private static let aggregates: [String: Signature] = {
        var table: [String: Signature] = [:]
        func add(_ names: [String], _ signature: Signature) {
            for name in names { table[name] = signature }
        }
        add(
            [
                "count", "countif", "dcount", "dcountif", "count_distinct", "count_distinctif", "binary_all_or", "binary_all_and",
                "binary_all_xor",
            ],
            s(0...3, .fixed(.long))
        )
        add(["sum", "sumif", "min", "max", "minif", "maxif", "percentile", "take_anyif", "anyif", "any", "take_any"], s(1...many, .argument(0)))
        add(["avg", "avgif", "stdev", "stdevif", "stdevp", "variance", "varianceif", "variancep"], s(1...2, .fixed(.real)))
        add(
            [
                "make_set", "make_set_if", "make_list", "make_list_if", "make_list_with_nulls", "make_bag", "make_bag_if", "makeset",
                "makelist", "hll", "hll_merge", "tdigest", "tdigest_merge", "merge_tdigest", "hll_if", "buildschema",
            ],
            s(1...3, .fixed(.dynamic))
        )
        add(["percentiles_array", "percentilesw_array"], s(2...many, .fixed(.dynamic)))
        add(["arg_max", "arg_min", "argmax", "argmin", "percentiles", "percentilesw"], s(1...many, .argument(0)))
        return table
    }()

    /// Aggregates whose arguments name several output columns.
    static let multiColumnAggregates: Set<String> = ["arg_max", "arg_min", "argmax", "argmin", "take_any", "any", "percentiles", "percentilesw"]
}
