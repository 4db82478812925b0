<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>ZcEnforcement</name>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>ZC Enforcement</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Verification panel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Screen spots…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Create demo district…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/plugin.py" />
      <source>Missing Python packages: {packages}. Install them with: {hint}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Create demo district</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo and tools</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Writes a synthetic district shaped like Zichuan into one GeoPackage (EPSG:4527): land-use parcels DLTB, permanent basic farmland YJJBNT, ecological red line STHX, no-mining zones JCQ, three-zones-two-lines lines, zones and view areas, approvals PZYD, towns with their offices, and a batch of satellite spots JCTB in which a few spots are broken on purpose (invalid geometry, a duplicate JCBH, one outside the district). Also writes before/after images and a styled QGIS project. The same seed always gives the same files, byte for byte.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Output folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Size (DEMO: a few hundred spots; S, M, L: benchmark districts)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Write before/after images</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo district GeoPackage</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Demo QGIS project</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Summary</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Cancelled: the demo district was not completed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/create_demo_district.py" />
      <source>Wrote {path}: {summary}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>地类图斑 DLTB</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>永久基本农田 YJJBNT</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>三区两线可视范围 SQLX</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>生态保护红线 STHX</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>禁采区 JCQ</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>批准用地 PZYD</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>镇街 TOWNS</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>淄川区 XZQ</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/demo_project.py" />
      <source>卫片图斑 JCTB</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} has no coordinate reference system: set it before screening.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/layer_reader.py" />
      <source>Layer {layer} has no field {field} (fields: {available}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Permanent basic farmland (YJJBNT)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Ecological red line (STHX)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>No-mining zones</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Three-zones-two-lines view areas</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Approvals (land conversion, temporary, facility land)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screen spots</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screening</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Overlays every satellite spot on the land-use parcels (DLTB) and the protection layers given, and computes official areas in m² (2 decimals): TBMJ spot area; its split by land class GDMJ cultivated (DLBM 0101/0102/0103), FGNYDMJ other agricultural, JSYDMJ construction, WLYDMJ unused and WDCMJ not covered by any parcel, which adds up to TBMJ; YJJBNTMJ permanent basic farmland, STHXMJ ecological red line, JCQMJ no-mining zones, SQLXMJ three-zones-two-lines view areas and PZMJ covered by an approval, each counting overlapping features of one layer once; the key figures again in mu (fields ending _MU); a flag per layer touched (SF...); the codes or names of the red-line, no-mining and approval features hit; JYPD a suggested verdict with PDYY its reason, YXJ a review priority (1 first) and SFXS when the criminal-referral thresholds are reached (5 mu basic farmland, 10 mu cultivated land). JHWT notes repaired or empty geometry. Areas are ellipsoidal on CGCS2000 by default (the official method), or planar in the Gauss-Krüger projection. Every input field is kept. Layers in other CRSs are transformed; spots in geographic coordinates are measured in their Gauss-Krüger zone. Optional pieces output: one feature per piece of a spot inside a protection feature.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Satellite spots (JCTB)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Spot number field (names spots in messages)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Land-use parcels (DLTB)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Land-class code field</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Area method</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Deduct field ridges from cultivated area (KCXS)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Screened spots</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Pieces inside protection layers</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>The spot layer cannot be opened.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Cannot create the output layer.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Cannot create the pieces layer.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Reading {layer}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Overlaying spots on {count} layers</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Ellipsoidal (CGCS2000, official)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/processing/screen_spots.py" />
      <source>Planar (Gauss-Krüger)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Spot verification</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="zc_enforcement_plugin/ui/verification_dock.py" />
      <source>Run “Screen spots” in the Processing toolbox (ZC Enforcement), then review the flagged spots here. The verification ledger is not available yet in this version.</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
