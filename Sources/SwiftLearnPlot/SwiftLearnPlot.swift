// SwiftLearnPlot
