import Glibc

/// Geospatial functions on WGS-84 longitude/latitude in degrees, over a sphere of S2's mean Earth radius.
enum GeoFunctions {
    typealias Function = ScalarLibrary.Function

    /// The Earth's mean radius in the S2 geometry library Kusto's geospatial functions are built on.
    static let earthRadius = 6_371_010.0

    static func prepare(_ name: String) -> Function? {
        func coordinate(_ args: [ScalarValue], _ index: Int) -> Point? {
            guard let longitude = Conversions.real(args[index]), let latitude = Conversions.real(args[index + 1]) else { return nil }
            return Point(longitude: longitude, latitude: latitude)
        }
        switch name {
        case "geo_distance_2points":
            return { args in
                guard let a = coordinate(args, 0), let b = coordinate(args, 2) else { return .null }
                return .real(distance(a, b))
            }
        case "geo_point_in_circle":
            return { args in
                guard let point = coordinate(args, 0), let center = coordinate(args, 2), let radius = Conversions.real(args[4]), radius >= 0 else {
                    return .null
                }
                return .bool(distance(point, center) <= radius)
            }
        case "geo_point_in_polygon":
            return { args in
                guard let point = coordinate(args, 0), let polygons = Self.polygons(args[2]) else { return .null }
                return .bool(
                    polygons.contains { rings in
                        rings.enumerated().allSatisfy { $0.offset == 0 ? contains($0.element, point) : !contains($0.element, point) }
                    }
                )
            }
        default:
            return nil
        }
    }

    struct Point {
        var longitude: Double
        var latitude: Double

        init?(longitude: Double, latitude: Double) {
            guard (-180...180).contains(longitude), (-90...90).contains(latitude) else { return nil }
            self.longitude = longitude
            self.latitude = latitude
        }
    }

    /// The great-circle distance in meters (haversine).
    static func distance(_ a: Point, _ b: Point) -> Double {
        let radians = Double.pi / 180
        let (phi1, phi2) = (a.latitude * radians, b.latitude * radians)
        let dPhi = phi2 - phi1
        let dLambda = (b.longitude - a.longitude) * radians
        let h = sin(dPhi / 2) * sin(dPhi / 2) + cos(phi1) * cos(phi2) * sin(dLambda / 2) * sin(dLambda / 2)
        return 2 * earthRadius * asin(min(1, h.squareRoot()))
    }

    /// The rings of each polygon of a GeoJSON `Polygon` or `MultiPolygon` (outer ring first, then holes).
    private static func polygons(_ value: ScalarValue) -> [[[Point]]]? {
        guard let bag = DynamicFunctions.bag(value), case .string(let type)? = bag["type"], case .array(let coordinates)? = bag["coordinates"]
        else { return nil }
        func ring(_ value: DynamicValue) -> [Point]? {
            guard case .array(let positions) = value else { return nil }
            var points: [Point] = []
            for case .array(let pair) in positions {
                guard pair.count >= 2, let x = SeriesFunctions.number(pair[0]), let y = SeriesFunctions.number(pair[1]),
                    let point = Point(longitude: x, latitude: y)
                else { return nil }
                points.append(point)
            }
            return points.count >= 4 ? points : nil
        }
        func polygon(_ value: DynamicValue) -> [[Point]]? {
            guard case .array(let rings) = value, !rings.isEmpty else { return nil }
            let parsed = rings.compactMap(ring)
            return parsed.count == rings.count ? parsed : nil
        }
        switch type {
        case "Polygon": return polygon(.array(coordinates)).map { [$0] }
        case "MultiPolygon":
            let parsed = coordinates.compactMap(polygon)
            return parsed.count == coordinates.count ? parsed : nil
        default: return nil
        }
    }

    /// Even-odd ray casting in the longitude/latitude plane: exact for small polygons, an approximation of Kusto's
    /// geodesic edges for large ones.
    private static func contains(_ ring: [Point], _ point: Point) -> Bool {
        var inside = false
        var previous = ring[ring.count - 1]
        for current in ring {
            if (current.latitude > point.latitude) != (previous.latitude > point.latitude) {
                let crossing =
                    (previous.longitude - current.longitude) * (point.latitude - current.latitude)
                    / (previous.latitude - current.latitude) + current.longitude
                if point.longitude < crossing { inside.toggle() }
            }
            previous = current
        }
        return inside
    }
}
