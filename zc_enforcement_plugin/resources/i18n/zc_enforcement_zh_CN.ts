<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>ZcEnforcement</name>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>ZC Enforcement</source>
      <translation>淄川卫片执法</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Verification panel</source>
      <translation>核查面板</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Screen spots…</source>
      <translation>图斑叠加筛查…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Create demo district…</source>
      <translation>创建示例区县…</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Missing Python packages: {packages}. Install them with: {hint}</source>
      <translation>缺少 Python 包：{packages}。安装方法：{hint}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Create demo district</source>
      <translation>创建示例区县</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo and tools</source>
      <translation>示例与工具</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Writes a synthetic district shaped like Zichuan into one GeoPackage (EPSG:4527): land-use parcels DLTB, permanent basic farmland YJJBNT, ecological red line STHX, no-mining zones JCQ, three-zones-two-lines lines, zones and view areas, approvals PZYD, towns with their offices, and a batch of satellite spots JCTB in which a few spots are broken on purpose (invalid geometry, a duplicate JCBH, one outside the district). Also writes before/after images and a styled QGIS project. The same seed always gives the same files, byte for byte.</source>
      <translation>在一个 GeoPackage（EPSG:4527）中生成一个形似淄川区的模拟区县：地类图斑 DLTB、永久基本农田 YJJBNT、生态保护红线 STHX、禁采区 JCQ、三区两线的线、区及可视范围、批准用地 PZYD、镇街及其自然资源所，以及一批卫片图斑 JCTB，其中少数图斑故意有问题（几何无效、JCBH 重复、一个在区界之外）。同时生成前后时相影像和已配好样式的 QGIS 工程。同一随机种子生成的文件逐字节相同。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Output folder</source>
      <translation>输出文件夹</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Size (DEMO: a few hundred spots; S, M, L: benchmark districts)</source>
      <translation>规模（DEMO：数百个图斑；S、M、L：性能测试区县）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Write before/after images</source>
      <translation>生成前后时相影像</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo district GeoPackage</source>
      <translation>示例区县 GeoPackage</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo QGIS project</source>
      <translation>示例 QGIS 工程</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Cancelled: the demo district was not completed.</source>
      <translation>已取消：示例区县未生成完成。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Wrote {path}: {summary}</source>
      <translation>已写入 {path}：{summary}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} has no coordinate reference system: set it before screening.</source>
      <translation>图层 {layer} 没有坐标参考系：请先设置坐标系再筛查。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} has no field {field} (fields: {available}).</source>
      <translation>图层 {layer} 缺少字段 {field}（现有字段：{available}）。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Permanent basic farmland (YJJBNT)</source>
      <translation>永久基本农田（YJJBNT）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Ecological red line (STHX)</source>
      <translation>生态保护红线（STHX）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>No-mining zones</source>
      <translation>禁采区</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Three-zones-two-lines view areas</source>
      <translation>三区两线可视范围</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Approvals (land conversion, temporary, facility land)</source>
      <translation>批准用地（农转用、临时用地、设施农用地）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screen spots</source>
      <translation>图斑叠加筛查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screening</source>
      <translation>筛查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Overlays every satellite spot on the land-use parcels (DLTB) and the protection layers given, and computes official areas in m² (2 decimals): TBMJ spot area; its split by land class GDMJ cultivated (DLBM 0101/0102/0103), FGNYDMJ other agricultural, JSYDMJ construction, WLYDMJ unused and WDCMJ not covered by any parcel, which adds up to TBMJ; YJJBNTMJ permanent basic farmland, STHXMJ ecological red line, JCQMJ no-mining zones, SQLXMJ three-zones-two-lines view areas and PZMJ covered by an approval, each counting overlapping features of one layer once; the key figures again in mu (fields ending _MU); a flag per layer touched (SF...); the codes or names of the red-line, no-mining and approval features hit; JYPD a suggested verdict with PDYY its reason, YXJ a review priority (1 first) and SFXS when the criminal-referral thresholds are reached (5 mu basic farmland, 10 mu cultivated land). JHWT notes repaired or empty geometry. Areas are ellipsoidal on CGCS2000 by default (the official method), or planar in the Gauss-Krüger projection. Every input field is kept. Layers in other CRSs are transformed; spots in geographic coordinates are measured in their Gauss-Krüger zone. Optional pieces output: one feature per piece of a spot inside a protection feature.</source>
      <translation>把每个卫片图斑与地类图斑（DLTB）及所给的各保护图层叠加，按平方米（两位小数）计算法定面积：TBMJ 图斑面积；按地类拆分为 GDMJ 耕地（DLBM 0101/0102/0103）、FGNYDMJ 其他农用地、JSYDMJ 建设用地、WLYDMJ 未利用地和 WDCMJ 无地类图斑覆盖部分，合计等于 TBMJ；YJJBNTMJ 永久基本农田、STHXMJ 生态保护红线、JCQMJ 禁采区、SQLXMJ 三区两线可视范围和 PZMJ 批准用地覆盖面积，同一图层内重叠的要素只计一次；主要面积另以亩给出（字段名以 _MU 结尾）；每个涉及图层的标志（SF…）；所压占红线、禁采区和批准用地的编号或名称；JYPD 建议判定及 PDYY 理由、YXJ 核查优先级（1 最先）以及达到移送公安标准时的 SFXS（永久基本农田 5 亩、耕地 10 亩）。JHWT 记录被修复或为空的几何。默认按 CGCS2000 椭球面积（法定方法），也可按高斯-克吕格平面面积。保留全部输入字段。其他坐标系的图层会被转换；地理坐标的图斑在其所在的高斯-克吕格分带中量算。可选输出碎片：图斑落入各保护要素的每一块。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Satellite spots (JCTB)</source>
      <translation>卫片图斑（JCTB）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Spot number field (names spots in messages)</source>
      <translation>图斑编号字段（用于提示信息中指明图斑）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Land-use parcels (DLTB)</source>
      <translation>地类图斑（DLTB）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Land-class code field</source>
      <translation>地类编码字段</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Area method</source>
      <translation>面积计算方法</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Deduct field ridges from cultivated area (KCXS)</source>
      <translation>耕地面积扣除田坎（KCXS）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screened spots</source>
      <translation>筛查结果图斑</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Pieces inside protection layers</source>
      <translation>落入各保护图层的图斑碎片</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>The spot layer cannot be opened.</source>
      <translation>无法打开图斑图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Cannot create the output layer.</source>
      <translation>无法创建输出图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Cannot create the pieces layer.</source>
      <translation>无法创建碎片图层。</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Reading {layer}</source>
      <translation>正在读取 {layer}</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Overlaying spots on {count} layers</source>
      <translation>正在与 {count} 个图层叠加</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Ellipsoidal (CGCS2000, official)</source>
      <translation>椭球面积（CGCS2000，法定）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Planar (Gauss-Krüger)</source>
      <translation>平面面积（高斯-克吕格投影）</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Spot verification</source>
      <translation>图斑核查</translation>
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Run “Screen spots” in the Processing toolbox (ZC Enforcement), then review the flagged spots here. The verification ledger is not available yet in this version.</source>
      <translation>请先在处理工具箱（淄川卫片执法）中运行“图斑叠加筛查”，再在此核查筛出的图斑。本版本尚未提供核查台帐。</translation>
    </message>
  </context>
</TS>
