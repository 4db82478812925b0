<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis maxScale="0" readOnly="0" hasScaleBasedVisibilityFlag="0" minScale="1e+08" version="3.22.16-Białowieża" styleCategories="AllStyleCategories">
  <flags>
    <Identifiable>1</Identifiable>
    <Removable>1</Removable>
    <Searchable>1</Searchable>
    <Private>0</Private>
  </flags>
  <temporal limitMode="0" endField="" fixedDuration="0" durationUnit="min" accumulate="0" endExpression="" enabled="0" durationField="" startField="" mode="0" startExpression="">
    <fixedRange>
      <start></start>
      <end></end>
    </fixedRange>
  </temporal>
  <customproperties>
    <Option/>
  </customproperties>
  <geometryOptions removeDuplicateNodes="0" geometryPrecision="0">
    <activeChecks type="StringList">
      <Option type="QString" value=""/>
    </activeChecks>
    <checkConfiguration/>
  </geometryOptions>
  <legend type="default-vector" showLabelLegend="0"/>
  <referencedLayers/>
  <fieldConfiguration>
    <field configurationFlags="None" name="MC">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="LX">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="LB">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="JL">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBSL">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBBH">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="TBMJ">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSSL">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSBH">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field configurationFlags="None" name="KSMJ">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
  </fieldConfiguration>
  <aliases>
    <alias name="名称" index="0" field="MC"/>
    <alias name="类型" index="1" field="LX"/>
    <alias name="线/区" index="2" field="LB"/>
    <alias name="可视距离（米）" index="3" field="JL"/>
    <alias name="图斑数" index="4" field="TBSL"/>
    <alias name="图斑编号" index="5" field="TBBH"/>
    <alias name="图斑在可视范围内面积（平方米）" index="6" field="TBMJ"/>
    <alias name="矿山数" index="7" field="KSSL"/>
    <alias name="矿山编号" index="8" field="KSBH"/>
    <alias name="矿山在可视范围内面积（平方米）" index="9" field="KSMJ"/>
  </aliases>
  <defaults>
    <default applyOnUpdate="0" expression="" field="MC"/>
    <default applyOnUpdate="0" expression="" field="LX"/>
    <default applyOnUpdate="0" expression="" field="LB"/>
    <default applyOnUpdate="0" expression="" field="JL"/>
    <default applyOnUpdate="0" expression="" field="TBSL"/>
    <default applyOnUpdate="0" expression="" field="TBBH"/>
    <default applyOnUpdate="0" expression="" field="TBMJ"/>
    <default applyOnUpdate="0" expression="" field="KSSL"/>
    <default applyOnUpdate="0" expression="" field="KSBH"/>
    <default applyOnUpdate="0" expression="" field="KSMJ"/>
  </defaults>
  <constraints>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="MC" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="LX" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="LB" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="JL" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="TBSL" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="TBBH" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="TBMJ" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="KSSL" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="KSBH" exp_strength="0"/>
    <constraint notnull_strength="0" unique_strength="0" constraints="0" field="KSMJ" exp_strength="0"/>
  </constraints>
  <constraintExpressions>
    <constraint desc="" field="MC" exp=""/>
    <constraint desc="" field="LX" exp=""/>
    <constraint desc="" field="LB" exp=""/>
    <constraint desc="" field="JL" exp=""/>
    <constraint desc="" field="TBSL" exp=""/>
    <constraint desc="" field="TBBH" exp=""/>
    <constraint desc="" field="TBMJ" exp=""/>
    <constraint desc="" field="KSSL" exp=""/>
    <constraint desc="" field="KSBH" exp=""/>
    <constraint desc="" field="KSMJ" exp=""/>
  </constraintExpressions>
  <expressionfields/>
  <attributeactions/>
  <attributetableconfig actionWidgetStyle="dropDown" sortExpression="" sortOrder="0">
    <columns/>
  </attributetableconfig>
  <conditionalstyles>
    <rowstyles/>
    <fieldstyles/>
  </conditionalstyles>
  <storedexpressions/>
  <editform tolerant="1"></editform>
  <editforminit/>
  <editforminitcodesource>0</editforminitcodesource>
  <editforminitfilepath></editforminitfilepath>
  <editforminitcode><![CDATA[]]></editforminitcode>
  <featformsuppress>0</featformsuppress>
  <editorlayout>generatedlayout</editorlayout>
  <editable/>
  <labelOnTop/>
  <reuseLastValue/>
  <dataDefinedFieldProperties/>
  <widgets/>
  <previewExpression></previewExpression>
  <mapTip></mapTip>
  <layerGeometryType>4</layerGeometryType>
</qgis>
