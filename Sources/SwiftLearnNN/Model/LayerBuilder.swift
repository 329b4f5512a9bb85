/// Collects layers written one per line inside `Sequential { ... }`.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: Layer) -> [Layer] { [layer] }
    public static func buildExpression(_ layers: [Layer]) -> [Layer] { layers }
    public static func buildBlock(_ components: [Layer]...) -> [Layer] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [Layer]?) -> [Layer] { component ?? [] }
    public static func buildEither(first component: [Layer]) -> [Layer] { component }
    public static func buildEither(second component: [Layer]) -> [Layer] { component }
    public static func buildArray(_ components: [[Layer]]) -> [Layer] { components.flatMap { $0 } }
}
